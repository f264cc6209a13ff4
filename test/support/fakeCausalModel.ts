/**
 * A hand-made causal "model" for the decoding tests: a six-token vocabulary, and logits that are a
 * function of the whole sequence read so far, which the fake decode graph keeps in its KV cache
 * (the key cache holds the token ids), so beam reordering and cache growth are exercised for real.
 */
import type { InferenceSession, TensorData } from '../../src/engine/runtime/types';
import type { GenerationModel } from '../../src/engine/tasks/decodeSession';
import type { TextTokenizer } from '../../src/engine/tokenizers/textTokenizer';
import type { TokenSpan } from '../../src/engine/tokenizers/types';

export const VOCAB = ['<|endoftext|>', 'a', 'b', 'c', 'd', 'e'];
export const EOS = 0;
export const id = (t: string): number => VOCAB.indexOf(t);

export const fakeTokenizer: TextTokenizer = {
  info: { id: 'fake', label: 'fake letters', kind: 'WordLevel', byteLevel: false, vocabSize: VOCAB.length, idBound: VOCAB.length, source: 'test' },
  encode(text: string) {
    const tokens: TokenSpan[] = [];
    for (let i = 0; i < text.length; ) {
      if (text.startsWith(VOCAB[0], i)) {
        tokens.push({ id: EOS, token: VOCAB[0], start: i, end: i + VOCAB[0].length, special: true });
        i += VOCAB[0].length;
        continue;
      }
      const k = VOCAB.indexOf(text[i]);
      if (k > 0) tokens.push({ id: k, token: text[i], start: i, end: i + 1, special: false });
      i++;
    }
    return { tokenizer: 'fake', tokens };
  },
  trace: () => [],
  display: (t: string) => t,
  idToToken: (i: number) => VOCAB[i],
};

/** Logits as the natural log of the probabilities given (unlisted tokens share what is left, EOS included unless listed). */
export function logitsOf(probs: Record<string, number>, rest = true): Float32Array {
  const given = Object.values(probs).reduce((a, b) => a + b, 0);
  const others = VOCAB.filter((t) => !(t in probs));
  const share = rest && others.length ? Math.max(0, 1 - given) / others.length : 0;
  return Float32Array.from(VOCAB, (t) => Math.log(t in probs ? probs[t] : share));
}

export interface FakeModel extends GenerationModel {
  runs: number;
  /** Longest past + new length the graph was asked for. */
  longest: number;
}

/** A GenerationModel whose next-token logits are `next(sequence so far)`. */
export function fakeModel(next: (sequence: number[]) => Float32Array, contextLength = 32): FakeModel {
  const model = { runs: 0, longest: 0 } as FakeModel;
  const session: InferenceSession = {
    inputNames: ['input_ids', 'attention_mask', 'position_ids', 'past_key_values.0.key', 'past_key_values.0.value'],
    outputNames: ['logits', 'present.0.key', 'present.0.value'],
    device: 'cpu',
    async run(feeds: Record<string, TensorData>) {
      model.runs++;
      const ids = feeds['input_ids'];
      const past = feeds['past_key_values.0.key'];
      const [B, T] = ids.dims;
      const P = past.dims[2];
      model.longest = Math.max(model.longest, P + T);
      if (P + T > contextLength) throw new Error(`asked for ${P + T} positions, the context is ${contextLength}`);
      if (feeds['attention_mask'].dims[1] !== P + T) throw new Error('attention mask length');
      const V = VOCAB.length;
      const logits = new Float32Array(B * V);
      const present = new Float32Array(B * (P + T));
      for (let b = 0; b < B; b++) {
        const seq = [...Array.from((past.data as Float32Array).subarray(b * P, (b + 1) * P)), ...Array.from((ids.data as BigInt64Array).subarray(b * T, (b + 1) * T), Number)];
        present.set(seq, b * (P + T));
        logits.set(next(seq), b * V);
      }
      const kv: TensorData = { type: 'float32', dims: [B, 1, P + T, 1], data: present };
      return { logits: { type: 'float32', dims: [B, 1, V], data: logits }, 'present.0.key': kv, 'present.0.value': kv };
    },
    async release() {},
  };
  return Object.assign(model, {
    family: 'gpt2' as const, label: 'fake', tokenizer: fakeTokenizer, contextLength, numLayers: 1, numHeads: 1, hiddenSize: 1, vocabSize: VOCAB.length,
    session, decode: { graphPath: 'fake.onnx', session },
  });
}
