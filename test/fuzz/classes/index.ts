/** Every fuzz class by name. */
import type { CaseRecipe, FuzzClass } from '../recipe';
import type { ClassDef } from './classDef';
import { cliClass } from './cliClass';
import { configClass } from './configClass';
import { graphCacheClass } from './graphCacheClass';
import { safetensorsClass } from './safetensorsClass';
import { sentencePieceClass } from './sentencePieceClass';
import { tokenizerClass } from './tokenizerClass';

const CLASSES: { [K in FuzzClass]: ClassDef<Extract<CaseRecipe, { cls: K }>> } = {
  safetensors: safetensorsClass,
  tokenizer: tokenizerClass,
  sentencepiece: sentencePieceClass,
  config: configClass,
  'graph-cache': graphCacheClass,
  cli: cliClass,
};

export function classDef(cls: FuzzClass): ClassDef {
  return CLASSES[cls] as unknown as ClassDef;
}
