/**
 * Exports a model folder in the layout @huggingface/transformers (transformers.js) loads offline
 * (`env.localModelPath = root`, model id `name`), so benchmarks run the same weights in both:
 * `<root>/<name>/config.json`, `tokenizer.json`, `tokenizer_config.json` (class and special
 * tokens; fill-mask needs `mask_token`), `generation_config.json` (GPT-2) and `onnx/model.onnx`,
 * our lean graph whose past dimensions are named `batch_size` / `past_sequence_length` so that
 * transformers.js builds empty past tensors for the first step.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../../src/engine/models/config';
import { readModelDir } from '../../src/engine/models/modelDir';
import { Checkpoint } from '../../src/engine/models/weights';
import { defineModelGraph, graphFamilyConfig, GraphBuildError, readGraphWeights } from '../../src/engine/graph/modelGraph';

function tokenizerConfig(c: ModelConfig): Record<string, unknown> {
  const common = { model_max_length: c.maxPositions, clean_up_tokenization_spaces: false };
  switch (c.family) {
    case 'gpt2':
      return { ...common, tokenizer_class: 'GPT2Tokenizer', bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', add_prefix_space: false };
    case 'roberta':
      return { ...common, tokenizer_class: 'RobertaTokenizer', bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>', unk_token: '<unk>', pad_token: '<pad>', mask_token: '<mask>' };
    case 'bert':
    case 'distilbert':
      return {
        ...common, tokenizer_class: c.family === 'bert' ? 'BertTokenizer' : 'DistilBertTokenizer',
        cls_token: '[CLS]', sep_token: '[SEP]', unk_token: '[UNK]', pad_token: '[PAD]', mask_token: '[MASK]',
      };
  }
}

/** Writes the export and returns its folder `<root>/<name>`. The model folder must hold a tokenizer.json. */
export async function exportForTransformersJs(modelDir: string, root: string, name: string): Promise<string> {
  const folder = await readModelDir(modelDir);
  const tokenizerJson = join(folder.dir, 'tokenizer.json');
  if (!existsSync(tokenizerJson)) throw new GraphBuildError(`${folder.dir} has no tokenizer.json, which transformers.js needs`);
  const family = graphFamilyConfig(folder.config);
  const checkpoint = await Checkpoint.open(folder.weightFiles);
  let weights;
  try {
    weights = await readGraphWeights(family, checkpoint);
  } finally {
    await checkpoint.close();
  }
  const out = join(root, name);
  mkdirSync(join(out, 'onnx'), { recursive: true });
  writeFileSync(join(out, 'onnx', 'model.onnx'), defineModelGraph(family, weights, { variant: 'decode' }).toBytes());
  copyFileSync(join(folder.dir, 'config.json'), join(out, 'config.json'));
  copyFileSync(tokenizerJson, join(out, 'tokenizer.json'));
  writeFileSync(join(out, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig(folder.config), null, 2)}\n`);
  if (folder.config.family === 'gpt2') {
    const eos = folder.config.eosTokenId ?? folder.config.vocabSize - 1;
    writeFileSync(join(out, 'generation_config.json'), `${JSON.stringify({ bos_token_id: folder.config.bosTokenId ?? eos, eos_token_id: eos }, null, 2)}\n`);
  }
  return out;
}
