/**
 * Shared helpers of the integration suite: the extension's contract (ids, settings), opening a
 * real file of the workspace with a selection, settings reset, and independent ways to check
 * tokens against the text (GPT-2's byte alphabet decoded here, BERT's normalisation redone here),
 * so a test never trusts the extension to grade itself.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Encoding, TokenSpan } from '../../../src/engine/tokenizers/types';

export const EXTENSION_ID = 'transformer-explorer.transformer-explorer';
export const SECTION = 'transformerExplorer';

export const Command = {
  tokenizeSelection: 'transformerExplorer.tokenizeSelection',
  showBpeMerges: 'transformerExplorer.showBpeMerges',
  learnBpe: 'transformerExplorer.learnBpe',
  toggleTokenBoundaries: 'transformerExplorer.toggleTokenBoundaries',
  selectTokenizer: 'transformerExplorer.selectTokenizer',
  showSidePanel: 'transformerExplorer.showSidePanel',
} as const;

/** Every setting the suite may change; reset after each test that touches them. */
export const SETTINGS = ['tokenizer', 'compareTokenizer', 'hover.enabled', 'statusBar.enabled', 'tokenBoundaries.enabled'];

/** A French sentence with accents, an apostrophe and an emoji (a surrogate pair in UTF-16). */
export const FRENCH = "Le chat mange des croquettes à côté de l'étagère 🐱 — déjà fini !";

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  await ext.activate();
  return ext;
}

export function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** Sets a setting in the user (global) scope and clears any workspace value that would hide it. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  await config().update(key, value, vscode.ConfigurationTarget.Global);
}

export async function resetSettings(): Promise<void> {
  for (const key of SETTINGS) {
    await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

/**
 * Writes `text` to a real file in the workspace, opens it in an editor and selects
 * `text.slice(start, end)` (the whole text when no range is given).
 */
export async function openWithSelection(
  name: string,
  text: string,
  selected?: string,
): Promise<{ editor: vscode.TextEditor; selection: vscode.Selection; selectedText: string }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need an open workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const start = selected === undefined ? 0 : text.indexOf(selected);
  assert.ok(start >= 0, `"${selected}" is not in the test text`);
  const end = selected === undefined ? text.length : start + selected.length;
  const selection = new vscode.Selection(doc.positionAt(start), doc.positionAt(end));
  editor.selection = selection;
  return { editor, selection, selectedText: doc.getText(selection) };
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The encoding the Tokenize Selection command returns for the current selection. */
export async function tokenizeSelection(): Promise<Encoding> {
  const enc = await vscode.commands.executeCommand<Encoding>(Command.tokenizeSelection);
  assert.ok(enc && Array.isArray(enc.tokens), `${Command.tokenizeSelection} returned no Encoding: ${JSON.stringify(enc)}`);
  return enc;
}

export function contentTokens(enc: Encoding): TokenSpan[] {
  return enc.tokens.filter((t) => !t.special);
}

// ── GPT-2's byte-level alphabet, rebuilt here (same table as GPT-2's encoder.py) ──────────────
const byteDecoder: Map<string, number> = (() => {
  const bytes: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bytes.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bytes.push(b);
  for (let b = 0xae; b <= 0xff; b++) bytes.push(b);
  const chars = bytes.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + n);
      n++;
    }
  }
  return new Map(bytes.map((b, i) => [String.fromCodePoint(chars[i]), b]));
})();

/** The bytes a GPT-2 vocabulary string stands for (`Ġchat` → ` chat` in UTF-8). */
export function gpt2TokenBytes(token: string): Buffer {
  return Buffer.from(
    [...token].map((ch) => {
      const b = byteDecoder.get(ch);
      assert.ok(b !== undefined, `"${token}" is not written in GPT-2's byte alphabet`);
      return b;
    }),
  );
}

/**
 * Checks a GPT-2 encoding against the text it claims to encode: the bytes of all tokens are
 * the text's UTF-8 (lossless), offsets are ordered and inside the text, and every token made of
 * whole characters is exactly the slice its offsets name.
 */
export function assertGpt2Offsets(enc: Encoding, text: string): void {
  const tokens = contentTokens(enc);
  assert.ok(tokens.length > 0, 'no tokens');
  const all = Buffer.concat(tokens.map((t) => gpt2TokenBytes(t.token)));
  assert.equal(all.toString('utf8'), text, 'the tokens do not spell the selected text');
  let previousStart = 0;
  let wholeTokens = 0;
  for (const t of tokens) {
    assert.ok(t.start >= previousStart && t.start < t.end && t.end <= text.length, `bad offsets ${JSON.stringify(t)} for a text of ${text.length} UTF-16 units`);
    previousStart = t.start;
    const bytes = gpt2TokenBytes(t.token);
    const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (!decoded.includes('\uFFFD')) {
      wholeTokens++;
      assert.equal(text.slice(t.start, t.end), decoded, `token ${JSON.stringify(t)} does not slice to its own text`);
    } else {
      // Part of a multi-byte character: its offsets name that whole character.
      const slice = text.slice(t.start, t.end);
      assert.ok(Buffer.from(slice, 'utf8').includes(bytes), `byte token ${JSON.stringify(t)} is not inside "${slice}"`);
    }
  }
  assert.ok(wholeTokens > 0);
}

/** BERT-uncased's normaliser redone independently: lower case, accents stripped. */
export function bertNormalize(s: string): string {
  return s.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
}

/** Every WordPiece token is its slice normalised (`##` pieces too), or `[UNK]`; offsets ordered. */
export function assertBertOffsets(enc: Encoding, text: string): void {
  const tokens = contentTokens(enc);
  assert.ok(tokens.length > 0, 'no tokens');
  let previousEnd = 0;
  for (const t of tokens) {
    assert.ok(t.start >= previousEnd && t.start < t.end && t.end <= text.length, `bad offsets ${JSON.stringify(t)}`);
    previousEnd = t.end;
    const slice = text.slice(t.start, t.end);
    if (t.token === '[UNK]') continue;
    const piece = t.token.startsWith('##') ? t.token.slice(2) : t.token;
    assert.equal(bertNormalize(slice), piece, `token ${JSON.stringify(t)} does not match its slice "${slice}"`);
  }
  // Nothing but whitespace is left out.
  const covered = new Array<boolean>(text.length).fill(false);
  for (const t of tokens) for (let i = t.start; i < t.end; i++) covered[i] = true;
  const uncovered = text.split('').filter((ch, i) => !covered[i] && !/\s/.test(ch)).join('');
  assert.equal(uncovered, '', `characters with no token: "${uncovered}"`);
}

/** The text of every hover the editor's providers give at `position`, joined. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

/** Polls `probe` until it returns a value that `ok` accepts (configuration changes are events). */
export async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

/**
 * Undo in `editor`'s document. The `undo` command goes to whatever has the keyboard focus (a
 * webview, the panel), so the editor is focused first: the test checks the undo steps of the
 * document, not where the focus happened to be.
 */
export async function undoIn(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false, preview: false });
  await vscode.commands.executeCommand('undo');
}
