import * as assert from 'node:assert/strict';
import {
  activateExtension, assertBertOffsets, assertGpt2Offsets, closeAllEditors, contentTokens, FRENCH,
  openWithSelection, resetSettings, setSetting, tokenizeSelection,
} from './helpers';

const DOCUMENT = `# Exemple\nBERT vs GPT : deux approches.\n${FRENCH}\nfin.\n`;

suite('Tokenize Selection', () => {
  suiteSetup(async () => {
    await activateExtension();
  });
  teardown(async () => {
    await resetSettings();
  });
  suiteTeardown(closeAllEditors);

  test('GPT-2: offsets slice the selected French text (accents, emoji) exactly', async () => {
    await setSetting('tokenizer', 'gpt2');
    const { selectedText } = await openWithSelection('integration-tokenize.txt', DOCUMENT, FRENCH);
    const enc = await tokenizeSelection();
    assert.equal(enc.tokenizer, 'gpt2');
    assertGpt2Offsets(enc, selectedText);
    // The emoji is 4 UTF-8 bytes: GPT-2 spells it with byte tokens that all point at its two UTF-16 units.
    const cat = selectedText.indexOf('🐱');
    const onCat = contentTokens(enc).filter((t) => t.start < cat + 2 && t.end > cat);
    assert.ok(onCat.length >= 1 && onCat.every((t) => t.end - t.start >= 2), `emoji tokens: ${JSON.stringify(onCat)}`);
  });

  test('BERT (uncased): WordPiece tokens match their lower-cased, accent-stripped slices', async () => {
    await setSetting('tokenizer', 'bert-base-uncased');
    const { selectedText } = await openWithSelection('integration-tokenize.txt', DOCUMENT, FRENCH);
    const enc = await tokenizeSelection();
    assert.equal(enc.tokenizer, 'bert-base-uncased');
    assertBertOffsets(enc, selectedText);
    const tokens = contentTokens(enc).map((t) => t.token);
    assert.ok(tokens.includes('chat') && tokens.includes('[UNK]'), `unexpected BERT tokens: ${tokens.join(' ')}`);
  });

  test('an empty selection tokenizes the whole document', async () => {
    await setSetting('tokenizer', 'gpt2');
    const { editor, selection } = await openWithSelection('integration-tokenize.txt', DOCUMENT, '');
    assert.ok(selection.isEmpty);
    const enc = await tokenizeSelection();
    assertGpt2Offsets(enc, editor.document.getText());
  });
});
