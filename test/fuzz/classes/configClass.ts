/**
 * config.json cases: an edited config.json next to a real model's weights and tokenizer, opened
 * as far as the engine goes (config → checkpoint checks → graph → ONNX session → logits). A
 * model that runs although its config disagrees with its weights is `wrong` (modelRun.ts).
 */
import { copyFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigRecipe } from '../recipe';
import type { CaseContext, ClassDef } from './classDef';
import { configBytes, generateConfig } from './configMutations';
import { baseFolder, CONFIG_BASES, linkBase, modelBase } from './modelBases';
import { checkAgainstWeights, checkedLogits, openFolder, pruneGraphCache } from './modelRun';

/**
 * Writes the case's model folder: its config.json and the base's other files. A SentencePiece
 * model is copied with a fresh time stamp, since the tokenizer rebuilt from it depends on
 * config.json's model_type while the engine's tokenizer cache looks only at the model file.
 */
export function writeModelFolder(recipe: ConfigRecipe, dir: string, ctx: CaseContext): void {
  const base = modelBase(recipe.base);
  const baseDir = baseFolder(base, ctx.keep, ctx.stamp);
  writeFileSync(join(dir, 'config.json'), configBytes(recipe));
  for (const name of Object.keys(base.fromRepo).filter((n) => n.endsWith('.model'))) {
    copyFileSync(join(baseDir, name), join(dir, name));
    const stamp = ctx.stamp();
    utimesSync(join(dir, name), stamp, stamp);
  }
  linkBase(base, baseDir, dir, ['config.json']);
}

export const configClass: ClassDef<ConfigRecipe> = {
  cls: 'config',
  pristine: CONFIG_BASES.length,
  generate: generateConfig,
  files: (recipe) => new Map([['config.json', configBytes(recipe)]]),
  async run(recipe: ConfigRecipe, ctx: CaseContext): Promise<void> {
    writeModelFolder(recipe, ctx.dir, ctx);
    const graphs = join(ctx.keep, 'config-graphs');
    pruneGraphCache(graphs);
    ctx.begin();
    const model = await openFolder(ctx.dir, graphs);
    try {
      checkAgainstWeights(model, modelBase(recipe.base).truth);
      await checkedLogits(model);
    } finally {
      await model.session.release();
    }
  },
};
