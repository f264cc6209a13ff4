/** config.json cases: dimensions that disagree with the weights, other families, unsupported options, type changes, byte noise. */
import { randomByteEdits } from '../mutate/byteEdits';
import { writeEdited, type GenValue, type Json, type JsonEdit } from '../mutate/jsonEdits';
import { deepNest, edgeNumber, randomJsonEdit } from '../mutate/jsonMutator';
import type { Rng } from '../prng';
import type { ConfigRecipe } from '../recipe';
import { applyByteEdits } from '../mutate/byteEdits';
import { CONFIG_BASES, modelBase } from './modelBases';

const DIM_KEYS: Record<string, string[]> = {
  gpt2: ['n_layer', 'n_head', 'n_embd', 'vocab_size', 'n_positions', 'n_ctx', 'n_inner', 'layer_norm_epsilon', 'bos_token_id', 'eos_token_id', 'hidden_size', 'num_hidden_layers', 'max_position_embeddings'],
  bert: ['num_hidden_layers', 'hidden_size', 'num_attention_heads', 'intermediate_size', 'vocab_size', 'max_position_embeddings', 'type_vocab_size', 'layer_norm_eps', 'pad_token_id'],
  distilbert: ['n_layers', 'dim', 'n_heads', 'hidden_dim', 'vocab_size', 'max_position_embeddings', 'pad_token_id'],
};

function dimValue(rng: Rng, current: Json | undefined): GenValue {
  const n = typeof current === 'number' ? current : 4;
  return rng.chance(0.6)
    ? rng.pick<GenValue>([{ lit: n + 1 }, { lit: n - 1 }, { lit: n * 2 }, { lit: Math.max(1, Math.floor(n / 2)) }, { lit: 0 }, { lit: -1 }, { lit: 1 }, { lit: n + 0.5 }, { lit: String(n) }, { lit: null }, { lit: 2 ** 31 }, { lit: 1e308 }, { raw: '1e999' }, { lit: 2 ** 53 + 2 }])
    : edgeNumber(rng, n);
}

function flagEdit(rng: Rng): JsonEdit {
  const [key, values] = rng.pick<[string, Json[]]>([
    ['activation_function', ['gelu', 'relu', 'gelu_new', 'swish', null, 5]], ['hidden_act', ['gelu_new', 'relu', 'gelu', 'silu', ['gelu']]], ['activation', ['relu', 'gelu']],
    ['position_embedding_type', ['relative_key', 'absolute', 5, '']], ['scale_attn_by_inverse_layer_idx', [true, 'yes']], ['reorder_and_upcast_attn', [true]],
    ['add_cross_attention', [true]], ['tie_word_embeddings', [false, 'no', 0]], ['torch_dtype', ['bfloat16', 'float16', 'int8', 5]], ['architectures', [null, 'x', [1], []]],
  ]);
  return { op: 'set', path: [key], value: { lit: rng.pick(values) } };
}

export function generateConfig(rng: Rng, index: number): ConfigRecipe {
  const pristine = index < CONFIG_BASES.length;
  const base = pristine ? CONFIG_BASES[index] : rng.pick(CONFIG_BASES);
  const recipe: ConfigRecipe = { cls: 'config', base, json: [], bytes: [], note: pristine ? 'unmutated seed' : '' };
  if (pristine) return recipe;
  const mb = modelBase(base);
  const root = mb.config() as { [key: string]: Json };
  const keys = DIM_KEYS[mb.truth.family === 'roberta' ? 'bert' : mb.truth.family];
  const kinds: string[] = [];
  do {
    const kind = rng.weighted([['dim', 38], ['type', 8], ['flag', 10], ['generic', 20], ['delete', 10], ['dupKey', 4], ['deep', 2], ['dumb', 8]] as const);
    kinds.push(kind);
    const key = rng.pick(keys);
    switch (kind) {
      case 'dim': recipe.json.push({ op: 'set', path: [key], value: dimValue(rng, root[key]) }); break;
      case 'type': recipe.json.push({ op: 'set', path: ['model_type'], value: { lit: rng.pick<Json>(['gpt2', 'bert', 'distilbert', 'roberta', 'camembert', 'xlm-roberta', 'GPT2', 'llama', '', null, 5, ['gpt2']]) } }); break;
      case 'flag': recipe.json.push(flagEdit(rng)); break;
      case 'generic': recipe.json.push(randomJsonEdit(rng, root)); break;
      case 'delete': recipe.json.push({ op: 'delete', path: [rng.chance(0.8) ? key : 'model_type'] }); break;
      case 'dupKey': recipe.json.push({ op: 'dupKey', path: [key in root ? key : 'model_type'], value: dimValue(rng, root[key]) }); break;
      case 'deep': recipe.json.push({ op: 'set', path: [key], value: deepNest(rng) }); break;
      default: recipe.bytes.push(...randomByteEdits(rng, JSON.stringify(root, null, 2).length, rng.range(1, 3)));
    }
  } while (kinds.length < 4 && rng.chance(0.35));
  recipe.note = kinds.join('+');
  return recipe;
}

export function configBytes(recipe: ConfigRecipe): Uint8Array {
  return applyByteEdits(Buffer.from(writeEdited(modelBase(recipe.base).config(), recipe.json, 2), 'utf8'), recipe.bytes);
}
