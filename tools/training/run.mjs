// Runs one TypeScript step of the training pipeline: bundles it with esbuild into work/ and runs it.
// Usage: node tools/training/run.mjs prepare|evaluate
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const step = process.argv[2];
if (!['prepare', 'evaluate'].includes(step ?? '')) {
  console.error('usage: node tools/training/run.mjs prepare|evaluate');
  process.exit(2);
}
const outfile = join(here, 'work', `${step}.cjs`);
await build({
  entryPoints: [join(here, `${step}.ts`)], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  external: ['onnxruntime-node', 'tokenizers', 'vscode'], outfile, logLevel: 'warning',
});
execFileSync(process.execPath, [outfile, ...process.argv.slice(3)], { stdio: 'inherit' });
