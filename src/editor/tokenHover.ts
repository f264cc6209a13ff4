import * as vscode from 'vscode';
import { tokensAt } from '../engine/tokenizers/tokensAt';
import type { TextTokenizer } from '../engine/tokenizers/textTokenizer';
import type { TokenSpan } from '../engine/tokenizers/types';
import { readConfig } from '../config';
import { CommandId } from '../commands/commandIds';
import { codeSpan, escapeMarkdown } from './markdown';
import { tokenizerLabel, type TokenizerService } from './tokenizerService';

/** Around the cursor, at most this many characters of a long line are tokenized for a hover. */
const HOVER_WINDOW = 400;

/** Hovering a word shows its tokens and their ids for the active tokenizer. */
export class TokenHoverProvider implements vscode.HoverProvider {
  constructor(private readonly tokenizers: TokenizerService) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    cancel: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    if (!readConfig(document).hover.enabled) {
      return undefined;
    }
    const line = document.lineAt(position.line).text;
    if (line.trim() === '') {
      return undefined;
    }
    const window = lineWindow(line, position.character);
    let tok: TextTokenizer;
    try {
      tok = await this.tokenizers.loadActive('background');
    } catch {
      return undefined; // a broken tokenizer is reported by the status bar and the commands, not on every hover
    }
    if (cancel.isCancellationRequested) {
      return undefined;
    }
    const hit = tokensAt(tok, window.text, position.character - window.start);
    if (!hit || hit.tokens.length === 0) {
      return undefined;
    }
    const word = window.text.slice(hit.word.start, hit.word.end);
    const range = new vscode.Range(
      position.line,
      window.start + hit.word.start,
      position.line,
      window.start + hit.word.end,
    );
    return new vscode.Hover(hoverMarkdown(tok, word, hit.tokens), range);
  }
}

export function hoverMarkdown(tok: TextTokenizer, word: string, tokens: readonly TokenSpan[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const count =
    tokens.length === 1 ? vscode.l10n.t('1 token') : vscode.l10n.t('{0} tokens', tokens.length);
  md.appendMarkdown(`**${escapeMarkdown(word)}** → ${count} · ${escapeMarkdown(tokenizerLabel(tok.info))}\n\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('Token')} | ${vscode.l10n.t('ID')} |\n|:--|--:|\n`);
  for (const t of tokens) {
    md.appendMarkdown(`| ${codeSpan(tok.display(t.token))} | ${t.id} |\n`);
  }
  const args = encodeURIComponent(JSON.stringify({ text: word }));
  md.appendMarkdown(`\n[${vscode.l10n.t('Replay how this word is cut')}](command:${CommandId.ShowBpeMerges}?${args})`);
  md.isTrusted = { enabledCommands: [CommandId.ShowBpeMerges] };
  return md;
}

/** A slice of a long line around `offset`, cut at spaces so no word is split. */
function lineWindow(line: string, offset: number): { text: string; start: number } {
  if (line.length <= HOVER_WINDOW * 2) {
    return { text: line, start: 0 };
  }
  let start = Math.max(0, offset - HOVER_WINDOW);
  let end = Math.min(line.length, offset + HOVER_WINDOW);
  const space = line.lastIndexOf(' ', start);
  start = space > 0 && start - space < HOVER_WINDOW ? space : start;
  const after = line.indexOf(' ', end);
  end = after > 0 && after - end < HOVER_WINDOW ? after : end;
  return { text: line.slice(start, end), start };
}
