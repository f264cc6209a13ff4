// Smoke test of the extension as a user has it: every command of the palette, run from the
// palette on a selection in a text file, with the shipped offline models, must finish without an
// error notification. One screenshot per command (test-results/<profile>/NN-<command>.png).
// Commands that open a quick pick or an input box are answered with Escape (their first step
// shown is what is checked). The list of commands is read from package.json, so a new command is
// smoke-tested without editing this file.
// Usage: node test/e2e/smoke.mjs [--vsix <file>] [--headed] [--verbose] [--timeout <seconds>]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/code-server.mjs';
import { argValue, Checks, stopwatch, withWorkbench } from './session.mjs';

const verbose = process.argv.includes('--verbose') || process.env.TREX_TEST_VERBOSE === '1';
const vsix = argValue('--vsix');
const profile = vsix ? 'smoke-vsix' : 'smoke';
const say = stopwatch(profile);
const FILE = 'genesis.txt';
const LINE = 'In the beginning God created the heaven and the earth.';
/**
 * Panels opened beside the file narrow it; the sample workspace wraps lines, which would split the
 * line we select. A language-specific user setting wins over the workspace's generic one.
 */
const NO_WRAP = { '[plaintext]': { 'editor.wordWrap': 'off' } };
/**
 * A Python with PyTorch for "Train a Model from Scratch" (CI installs Debian's python3-torch; the
 * `python3` first on the PATH may be another): without one, the command rightly says so in an error.
 */
const TORCH_PYTHON = ['/usr/bin/python3', '/usr/bin/python3.11'].find((py) => {
  try {
    execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
const SETTINGS = { ...NO_WRAP, ...(TORCH_PYTHON ? { 'transformerExplorer.training.python': TORCH_PYTHON } : {}) };
/** How long a command gets to show an error after it was run. */
const SETTLE_MS = Number(process.env.TREX_SMOKE_SETTLE_MS ?? 4000);

/** Palette commands: contributed, not hidden from the palette, with their English titles. */
function paletteCommands() {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const nls = JSON.parse(readFileSync(join(repoRoot, 'package.nls.json'), 'utf8'));
  const hidden = new Set((manifest.contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
  const text = (s) => (typeof s === 'string' ? s.replace(/^%(.+)%$/, (_, k) => nls[k] ?? s) : s?.value);
  return manifest.contributes.commands
    .filter((c) => !hidden.has(c.command))
    .map((c) => ({ id: c.command, title: `${text(c.category) ? `${text(c.category)}: ` : ''}${text(c.title)}` }));
}

/** The messages of the error notifications shown now. */
async function errorToasts(page) {
  return page.locator('.notifications-toasts .notification-toast').filter({ has: page.locator('.codicon-error') }).allInnerTexts();
}

async function main() {
  const commands = paletteCommands();
  say(`${commands.length} palette commands`);
  const checks = new Checks(say, verbose);
  const timeoutS = Number(argValue('--timeout') ?? process.env.TREX_E2E_TIMEOUT_S ?? 900);
  // The empty extension of the activation benchmark, activated by the same event, gives the floor
  // of this machine's activation times in the same window.
  const alsoInstall = [join(repoRoot, 'bench', 'activation-baseline')];
  const shots = await withWorkbench({ profile, vsix, verbose, headed: process.argv.includes('--headed'), timeoutS, say, settings: SETTINGS, alsoInstall }, async (wb, { shots }) => {
    checks.wb = wb;
    const page = wb.page;
    await checks.check('workbench loads', async () => {
      await wb.waitForWorkbench();
      await wb.openFromExplorer(FILE);
    });
    if (!checks.lastOk) return shots;
    await checks.check('VS Code reports the activation time of the extension', async () => {
      // Opening a text file activates it (onLanguage:plaintext); VS Code measures the activation itself.
      await wb.runCommand('Developer: Show Running Extensions');
      say(`  activation: Transformer Explorer ${await wb.activationTime('Transformer Explorer', 20_000)} ms, empty baseline extension ${await wb.activationTime('Activation Baseline', 20_000)} ms`);
      await wb.screenshot('00-running-extensions');
      await page.keyboard.press('Control+W');
    });
    for (const [i, command] of commands.entries()) {
      await checks.check(`${command.title} (${command.id})`, async () => {
        // The previous command may have opened an editor in front of the file: bring the file back.
        await wb.openFromExplorer(FILE);
        await wb.selectLineText(LINE);
        await wb.runCommand(command.title);
        const seen = await wb.poll(() => errorToasts(page), (list) => list.length > 0, 'an error notification', SETTLE_MS).catch(() => []);
        await wb.screenshot(`${String(i + 1).padStart(2, '0')}-${command.id.replace(/^transformerExplorer\./, '')}`);
        // A quick pick or input box the command opened: dismiss it.
        if (await page.locator('.quick-input-widget').isVisible()) await page.keyboard.press('Escape');
        if (await page.locator('.monaco-dialog-box').isVisible()) await page.keyboard.press('Escape');
        // Commands that write into the file (completion, fill-mask): put it back as it was, and
        // close every editor so the next command starts from the file alone, full width.
        await wb.openFromExplorer(FILE);
        await wb.runCommand('File: Revert File');
        await wb.runCommand('View: Close All Editors');
        if (seen.length) {
          await page.keyboard.press('Escape');
          throw new Error(`error notification: ${seen.join(' | ').replace(/\s+/g, ' ').slice(0, 400)}`);
        }
      });
    }
    return shots;
  });
  return checks.summary(profile, shots);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[${profile}] ${err.message}`);
    process.exit(1);
  },
);
