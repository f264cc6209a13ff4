import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TokenSpan } from '../../../src/engine/tokenizers/types';
import {
  activateExtension, closeAllEditors, contentTokens, gpt2TokenBytes, hoverText, openWithSelection,
  resetSettings, setSetting, tokenizeSelection, waitFor,
} from './helpers';

const LINE = "Le chat mange des croquettes à côté de l'étagère.";
const WORD = 'croquettes';

/** The tokens of the whole line that overlap `word` (what the hover must show), from the command. */
async function expectedTokens(word: string): Promise<{ uri: vscode.Uri; position: vscode.Position; tokens: TokenSpan[] }> {
  const { editor } = await openWithSelection('integration-hover.txt', `${LINE}\n`, LINE);
  const enc = await tokenizeSelection();
  const start = LINE.indexOf(word);
  const end = start + word.length;
  const tokens = contentTokens(enc).filter((t) => t.start < end && t.end > start);
  assert.ok(tokens.length > 0, `no token overlaps "${word}"`);
  return { uri: editor.document.uri, position: new vscode.Position(0, start + 2), tokens };
}

function showsId(text: string, id: number): boolean {
  return new RegExp(`(^|\\D)${id}(\\D|$)`).test(text);
}

/** A token's readable core: GPT-2 bytes decoded (leading space dropped), `##` dropped for WordPiece. */
function readable(t: TokenSpan, byteLevel: boolean): string {
  return byteLevel ? gpt2TokenBytes(t.token).toString('utf8').trim() : t.token.replace(/^##/, '');
}

suite('Hover tokenization', () => {
  suiteSetup(activateExtension);
  teardown(resetSettings);
  suiteTeardown(closeAllEditors);

  test('hovering a word shows its GPT-2 tokens and their ids', async () => {
    await setSetting('tokenizer', 'gpt2');
    const { uri, position, tokens } = await expectedTokens(WORD);
    const text = await waitFor(() => hoverText(uri, position), (t) => tokens.every((tok) => showsId(t, tok.id)), 'the hover to show the ids');
    for (const tok of tokens) {
      assert.ok(text.includes(readable(tok, true)), `hover lacks token "${readable(tok, true)}":\n${text}`);
    }
  });

  test('hover on an accented word (côté) shows its tokens', async () => {
    await setSetting('tokenizer', 'gpt2');
    const { uri, tokens } = await expectedTokens('côté');
    const position = new vscode.Position(0, LINE.indexOf('côté') + 1);
    await waitFor(() => hoverText(uri, position), (t) => tokens.every((tok) => showsId(t, tok.id)), 'the hover on côté');
  });

  test('hover.enabled = false: no hover from the extension', async () => {
    await setSetting('tokenizer', 'gpt2');
    const { uri, position, tokens } = await expectedTokens(WORD);
    await waitFor(() => hoverText(uri, position), (t) => tokens.every((tok) => showsId(t, tok.id)), 'the hover while enabled');
    await setSetting('hover.enabled', false);
    const text = await waitFor(() => hoverText(uri, position), (t) => !tokens.some((tok) => showsId(t, tok.id)), 'the hover to go away');
    assert.ok(!tokens.some((tok) => text.includes(readable(tok, true)) && showsId(text, tok.id)));
  });

  test('the tokenizer setting changes the hover (GPT-2 → BERT)', async () => {
    await setSetting('tokenizer', 'gpt2');
    const gpt2 = await expectedTokens(WORD);
    await setSetting('tokenizer', 'bert-base-uncased');
    const bert = await expectedTokens(WORD);
    assert.notDeepEqual(bert.tokens.map((t) => t.id), gpt2.tokens.map((t) => t.id), 'same ids for GPT-2 and BERT?');
    const text = await waitFor(() => hoverText(bert.uri, bert.position), (t) => bert.tokens.every((tok) => showsId(t, tok.id)), 'the BERT hover');
    for (const tok of bert.tokens) {
      assert.ok(text.includes(readable(tok, false)), `hover lacks BERT token "${tok.token}":\n${text}`);
    }
  });
});
