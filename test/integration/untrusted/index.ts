/**
 * Entry point of the Restricted Mode run (test/integration/run-code-server.mjs starts it in a
 * second code-server whose workspace is not trusted): every `*.test.js` beside this file.
 */
import { runTests } from '../suite/index';

export function run(): Promise<void> {
  return runTests(__dirname);
}
