/**
 * Rewrites of a regex tree that keep its meaning but make it cheaper to match: every part that
 * always matches exactly one code point becomes a single `char` atom, decided by V8 in one test.
 * tokenizers.js writes Oniguruma's class intersections and unions in that form, e.g.
 *
 *   (?:(?=[^aeiou])[a-z])   → one atom: a consonant
 *   (?:'|’)                  → one atom
 *
 * Why it is exact: each alternative consumes the same one code point, so priority cannot change
 * the match, and a lookahead whose body is one code point only looks at the character that the
 * atom after it consumes.
 */
import type { RegexNode } from './parse';

/** Native source for a part that matches exactly one code point, or undefined. */
function singleCodePointSource(node: RegexNode): string | undefined {
  switch (node.type) {
    case 'char':
      return node.source;
    case 'alternation': {
      const parts = node.options.map(singleCodePointSource);
      return parts.every((p) => p !== undefined) ? `(?:${parts.join('|')})` : undefined;
    }
    case 'sequence': {
      const last = singleCodePointSource(node.items[node.items.length - 1]);
      if (last === undefined) return undefined;
      let out = '';
      for (const item of node.items.slice(0, -1)) {
        if (item.type !== 'look' || item.behind) return undefined;
        const body = singleCodePointSource(item.body);
        if (body === undefined) return undefined;
        out += `(?${item.negate ? '!' : '='}${body})`;
      }
      return `(?:${out}${last})`;
    }
    case 'repeat':
      return node.min === 1 && node.max === 1 ? singleCodePointSource(node.body) : undefined;
    default:
      return undefined;
  }
}

/** The tree with its one-code-point parts folded into atoms. */
export function simplify(node: RegexNode): RegexNode {
  if (node.type !== 'char') {
    const source = singleCodePointSource(node);
    if (source !== undefined) return { type: 'char', source };
  }
  switch (node.type) {
    case 'sequence':
      return { ...node, items: node.items.map(simplify) };
    case 'alternation':
      return { ...node, options: node.options.map(simplify) };
    case 'repeat':
    case 'look':
      return { ...node, body: simplify(node.body) };
    default:
      return node;
  }
}

/** Whether the part can match the empty string (then its loops need ES's empty-iteration check). */
export function nullable(node: RegexNode): boolean {
  switch (node.type) {
    case 'char':
      return false;
    case 'sequence':
      return node.items.every(nullable);
    case 'alternation':
      return node.options.some(nullable);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
    default:
      return true;
  }
}
