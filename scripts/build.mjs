// Builds everything the extension, the CLI and the tests run:
//   1. the bundled tokenizer.json files (from the real vocabularies on npm), once;
//   2. esbuild bundles: extension host (node, cjs), CLI, and every webview entry (browser);
//   3. tsc to out/ (type check + the unit/integration tests and benchmarks that run from there).
// Usage: node scripts/build.mjs [--watch] [--no-tsc]
import { build, context } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.env.NODE_ENV === 'production';

execFileSync(process.execPath, [join(root, 'scripts', 'build-tokenizers.mjs')], { stdio: 'inherit' });

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };
const nodeBundles = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // vscode is provided by the host; native modules cannot be bundled.
  external: ['vscode', 'onnxruntime-node', 'tokenizers'],
  entryPoints: { extension: 'src/extension.ts', cli: 'src/cli/trex.ts', modelHost: 'src/host/main.ts' },
  outdir: 'dist',
};
const webviewDir = join(root, 'webview-ui');
const webviewEntries = readdirSync(webviewDir)
  .filter((f) => f.endsWith('.main.ts'))
  .map((f) => join('webview-ui', f));
const webBundles = {
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  entryPoints: webviewEntries,
  outdir: 'dist/webview',
  entryNames: '[name]',
};

const configs = [nodeBundles, ...(webviewEntries.length ? [webBundles] : [])].filter((c) =>
  Object.values(c.entryPoints).every((e) => existsSync(join(root, e))),
);
if (watch) {
  for (const c of configs) await (await context(c)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(configs.map((c) => build(c)));
  if (!process.argv.includes('--no-tsc')) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { stdio: 'inherit' });
  }
}
