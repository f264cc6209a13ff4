/**
 * A Markdown code span holding `text` exactly, safe inside a table cell:
 * `codeSpan('a`b') -> "`` a`b ``"`, `codeSpan('a|b') -> "`a\\|b`"`.
 */
export function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padded = text.startsWith('`') || text.endsWith('`') || text === '' ? ` ${text} ` : text;
  return `${fence}${padded.replace(/\|/g, '\\|')}${fence}`;
}

/** Escapes Markdown punctuation so `text` shows literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}
