/**
 * Entry point of the integration suite, loaded by the extension host of a real VS Code through
 * `extensionTestsPath` (code-server: test/integration/run-code-server.mjs; desktop VS Code:
 * test/integration/run-electron.mjs). Runs every compiled `*.test.js` beside this file with Mocha
 * (`runTests` does the same for another folder: test/integration/untrusted/ runs in a workspace
 * that is not trusted). `TREX_TEST_GREP` (environment) runs only the tests whose full title
 * contains it (`/a|b/`: matches that regular expression); a folder where none matches passes with "0 passed" (the launcher fails when no
 * test ran at all).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import * as vscode from 'vscode';

// Mocha 12 is published as ES modules; lib/mocha.cjs is its CommonJS build, which every
// extension host can require (including Electron builds whose Node cannot require ESM).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha: typeof import('mocha') = require('mocha/lib/mocha.cjs');

type ShowMessage = (message: string, ...rest: unknown[]) => Thenable<unknown>;
const NOTIFICATIONS = { error: 'showErrorMessage', warning: 'showWarningMessage', information: 'showInformationMessage' } as const;

/**
 * Logs every notification the extension shows while the suite runs, with the test it came in.
 * Nobody clicks here: a notification with buttons is shown, then answered as if the user closed
 * it, so a command that asks a question it should not have asked ends at once (and its test fails
 * with this line in the log) instead of waiting for the test's timeout. Modal dialogs pass through
 * unanswered (the tests that expect one answer it themselves). Tests that record messages wrap
 * these functions again and restore them after.
 */
function logNotifications(currentTest: () => string): void {
  const win = vscode.window as unknown as Record<string, ShowMessage>;
  for (const [severity, key] of Object.entries(NOTIFICATIONS)) {
    const original = win[key];
    win[key] = (message: string, ...rest: unknown[]) => {
      const buttons = rest.flatMap((r) => (typeof r === 'string' ? [r] : typeof r === 'object' && r !== null && 'title' in r ? [String((r as { title: unknown }).title)] : []));
      const modal = rest.some((r) => typeof r === 'object' && r !== null && (r as { modal?: boolean }).modal === true);
      console.log(`      [${severity}${modal ? ', modal' : ''} shown in "${currentTest()}"] ${message}${buttons.length ? ` [${buttons.join('] [')}]` : ''}`);
      const shown = original.call(vscode.window, message, ...rest);
      return buttons.length && !modal ? Promise.resolve(undefined) : shown;
    };
  }
}

export function run(): Promise<void> {
  return runTests(__dirname);
}

/** Runs every `*.test.js` of `folder` with Mocha. */
export function runTests(folder: string): Promise<void> {
  // Reporters log printf-style (`%d passing`); an extension host forwards console arguments
  // without formatting them, so format here.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000, slow: 5_000 });
  const grep = process.env.TREX_TEST_GREP;
  if (grep) {
    // `/…/` is a regular expression (several suites at once), anything else a plain substring.
    mocha.grep(grep.length > 2 && grep.startsWith('/') && grep.endsWith('/') ? new RegExp(grep.slice(1, -1)) : grep);
  }
  const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) {
    mocha.addFile(path.join(folder, f));
  }
  let current = 'before the first test';
  logNotifications(() => current);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats ?? {};
      // The plain closing line CI reads, whatever the reporter printed before it.
      console.log(`integration: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
      if (failures > 0) {
        reject(new Error(`${failures} integration test(s) failed`));
      } else if (passes === 0 && !grep) {
        reject(new Error('no integration test ran'));
      } else {
        resolve();
      }
    });
    runner.on('test', (test) => { current = test.fullTitle(); });
    runner.on('hook', (hook) => { current = hook.fullTitle(); });
  });
}
