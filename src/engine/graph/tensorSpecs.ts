/**
 * The tensors of each architecture family in the Hugging Face layout: name, shape and kind
 * (matrix, LayerNorm gain, bias). The checkpoint check compares a checkpoint against them and the
 * graph builders read weights by them; tests generate random weights from them (test/support/randomWeights.ts).
 */
import { encoderNames, EncoderConfig } from './encoderNames';
import type { Gpt2Config } from './gpt2Graph';

export type TensorSpec = [name: string, dims: number[], kind: 'matrix' | 'gain' | 'bias'];

/** GPT-2's tensors; `inner` is the MLP width (config.json's n_inner, 4·d unless set). */
export function gpt2TensorSpecs(c: Gpt2Config, inner = 4 * c.nEmbd): TensorSpec[] {
  const d = c.nEmbd;
  const specs: TensorSpec[] = [['wte.weight', [c.vocabSize, d], 'matrix'], ['wpe.weight', [c.nPositions, d], 'matrix']];
  for (let i = 0; i < c.nLayer; i++) {
    const p = `h.${i}`;
    specs.push(
      [`${p}.ln_1.weight`, [d], 'gain'], [`${p}.ln_1.bias`, [d], 'bias'],
      [`${p}.attn.c_attn.weight`, [d, 3 * d], 'matrix'], [`${p}.attn.c_attn.bias`, [3 * d], 'bias'],
      [`${p}.attn.c_proj.weight`, [d, d], 'matrix'], [`${p}.attn.c_proj.bias`, [d], 'bias'],
      [`${p}.ln_2.weight`, [d], 'gain'], [`${p}.ln_2.bias`, [d], 'bias'],
      [`${p}.mlp.c_fc.weight`, [d, inner], 'matrix'], [`${p}.mlp.c_fc.bias`, [inner], 'bias'],
      [`${p}.mlp.c_proj.weight`, [inner, d], 'matrix'], [`${p}.mlp.c_proj.bias`, [d], 'bias'],
    );
  }
  specs.push(['ln_f.weight', [d], 'gain'], ['ln_f.bias', [d], 'bias']);
  return specs;
}

/** An encoder with its MLM head; the decoder is left out (tied to the word embeddings), as in HF's safetensors. */
export function encoderTensorSpecs(c: EncoderConfig): TensorSpec[] {
  const n = encoderNames(c.modelType);
  const d = c.hiddenSize;
  const norm = (name: string): TensorSpec[] => [[`${name}.weight`, [d], 'gain'], [`${name}.bias`, [d], 'bias']];
  const linear = (name: string, nIn: number, nOut: number): TensorSpec[] => [[`${name}.weight`, [nOut, nIn], 'matrix'], [`${name}.bias`, [nOut], 'bias']];
  const body: TensorSpec[] = [
    [`${n.wordEmbeddings}.weight`, [c.vocabSize, d], 'matrix'],
    [`${n.positionEmbeddings}.weight`, [c.maxPositions, d], 'matrix'],
    ...(n.tokenTypeEmbeddings && c.typeVocabSize > 0 ? [[`${n.tokenTypeEmbeddings}.weight`, [c.typeVocabSize, d], 'matrix'] as TensorSpec] : []),
    ...norm(n.embeddingNorm),
  ];
  for (let i = 0; i < c.nLayer; i++) {
    const l = n.layer(i);
    body.push(...linear(l.query, d, d), ...linear(l.key, d, d), ...linear(l.value, d, d), ...linear(l.attentionOutput, d, d), ...norm(l.attentionNorm),
      ...linear(l.intermediate, d, c.intermediateSize), ...linear(l.output, c.intermediateSize, d), ...norm(l.outputNorm));
  }
  return [
    ...body.map(([name, dims, kind]): TensorSpec => [n.prefix + name, dims, kind]),
    ...linear(n.headDense, d, d), ...norm(n.headNorm), [n.headBias, [c.vocabSize], 'bias'],
  ];
}
