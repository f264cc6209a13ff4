/**
 * A JavaScript regex (source and flags, `u` or `v`) compiled for linear-time matching:
 *
 *   const program = compileRegex('(a+)+$', 'u');
 *   new RegexSearch(program, 'a'.repeat(100_000) + '!').find(0)   → null, in O(program × text) steps
 *
 * Throws UnsupportedRegex (backreferences, lookbehinds that are not fixed characters, patterns
 * too large once unrolled…).
 */
import { parseRegex, UnsupportedRegex } from './parse';
import { compileProgram, type Program } from './program';
import { simplify } from './simplify';

export { UnsupportedRegex } from './parse';
export { RegexSearch, type Span } from './match';
export type { Program } from './program';

export function compileRegex(source: string, flags: string): Program {
  const tree = simplify(parseRegex(source, flags));
  try {
    return compileProgram(tree, flags);
  } catch (e) {
    // An atom V8 refuses on its own (it accepted it inside the whole pattern) is still ours to report.
    if (e instanceof SyntaxError) throw new UnsupportedRegex(e.message);
    throw e;
  }
}
