// What a platform VSIX holds, shared by the packager (scripts/package.mjs) and its verifier
// (scripts/verify-vsix.mjs), so that the two cannot disagree. Importing it runs nothing.

/** VS Code target → onnxruntime-node's binary folder. onnxruntime-node 1.30 ships no darwin/x64 build. */
export const TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};

/** Files and folders of the repository that go into every VSIX, when present. */
export const SHIPPED = ['README.md', 'CHANGELOG.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md', 'package.nls.json', 'package.nls.fr.json', 'l10n', 'media', 'models', 'python'];

/** Whether a path under dist/ ships: the production bundles do, their source maps and the CLI (`trex`) do not. */
export const shipsFromDist = (path) => !path.endsWith('.map') && !path.endsWith('cli.js');
