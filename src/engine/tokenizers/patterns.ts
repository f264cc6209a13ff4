/** tokenizer.json patterns (`{"String": …}` or `{"Regex": …}`) as global JavaScript RegExps. */
import { TokenizerError } from './errors';
import { hfRegex } from './hfTokenizers';

export interface PatternConfig {
  String?: string;
  Regex?: string;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A literal is matched as-is; a regex (Oniguruma syntax) goes through tokenizers.js's converter. */
export function compilePattern(pattern: PatternConfig | undefined): RegExp {
  if (pattern && typeof pattern.String === 'string') return new RegExp(escapeRegex(pattern.String), 'gu');
  if (pattern && typeof pattern.Regex === 'string') {
    try {
      const re = hfRegex(pattern.Regex);
      return re.global ? re : new RegExp(re.source, `${re.flags}g`);
    } catch (e) {
      throw new TokenizerError(`unsupported regex ${JSON.stringify(pattern.Regex)}: ${(e as Error).message}`);
    }
  }
  throw new TokenizerError(`invalid pattern ${JSON.stringify(pattern)} (expected {"String": …} or {"Regex": …})`);
}
