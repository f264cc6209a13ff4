/** tokenizer.json cases: the edited file is loaded as a user's file is (`loadTokenizer(path)`), then exercised (tokenizerChecks.ts). */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../../src/engine/tokenizers/load';
import { applyByteEdits } from '../mutate/byteEdits';
import { writeEdited } from '../mutate/jsonEdits';
import type { TokenizerRecipe } from '../recipe';
import type { CaseContext, ClassDef } from './classDef';
import { exerciseTokenizer, vocabBound } from './tokenizerChecks';
import { generateTokenizer } from './tokenizerMutations';
import { tokenizerBase, TOKENIZER_BASES } from './tokenizerSeeds';

export function tokenizerBytes(recipe: TokenizerRecipe): Uint8Array {
  return applyByteEdits(Buffer.from(writeEdited(tokenizerBase(recipe.base), recipe.json), 'utf8'), recipe.bytes);
}

function parsed(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

export const tokenizerClass: ClassDef<TokenizerRecipe> = {
  cls: 'tokenizer',
  pristine: TOKENIZER_BASES.length,
  generate: generateTokenizer,
  files: (recipe) => new Map([['tokenizer.json', tokenizerBytes(recipe)]]),
  async run(recipe: TokenizerRecipe, ctx: CaseContext): Promise<void> {
    const bytes = tokenizerBytes(recipe);
    const file = join(ctx.dir, 'tokenizer.json');
    writeFileSync(file, bytes);
    const stamp = ctx.stamp();
    utimesSync(file, stamp, stamp);
    const json = parsed(bytes);
    ctx.begin();
    const tok = await loadTokenizer(file);
    exerciseTokenizer(tok, vocabBound(tok, json));
  },
};
