/**
 * Entry point of the integration suite, loaded by the extension host of a real VS Code through
 * `extensionTestsPath` (code-server: test/integration/run-code-server.mjs; desktop VS Code:
 * test/integration/run-electron.mjs). Runs every compiled `*.test.js` beside this file with Mocha.
 * `TREX_TEST_GREP` (environment) runs only the tests whose full title matches it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';

// Mocha 12 is published as ES modules; lib/mocha.cjs is its CommonJS build, which every
// extension host can require (including Electron builds whose Node cannot require ESM).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha: typeof import('mocha') = require('mocha/lib/mocha.cjs');

export function run(): Promise<void> {
  // Reporters log printf-style (`%d passing`); an extension host forwards console arguments
  // without formatting them, so format here.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000, slow: 5_000 });
  const grep = process.env.TREX_TEST_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats ?? {};
      // The plain closing line CI reads, whatever the reporter printed before it.
      console.log(`integration: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
      if (failures > 0) {
        reject(new Error(`${failures} integration test(s) failed`));
      } else if (passes === 0) {
        reject(new Error('no integration test ran'));
      } else {
        resolve();
      }
    });
  });
}
