/**
 * The `Precompiled` normalizer: SentencePiece's compiled normalization rules (`precompiled_charsmap`,
 * e.g. nmt_nfkc for camembert and xlm-roberta), applied with alignments as Rust tokenizers does.
 *
 * The charsmap is `[u32 LE trie size in bytes][double-array trie (Darts-clone units)][replacements]`:
 * the trie maps UTF-8 keys to offsets into the replacement blob, where each replacement is a
 * NUL-terminated UTF-8 string.
 *
 * Rust's semantics, reproduced exactly (they are not SentencePiece's own longest-match):
 *  - the text is cut into extended grapheme clusters;
 *  - a cluster shorter than 6 UTF-8 bytes is looked up whole, and the FIRST (shortest) key that
 *    is a prefix of it decides its replacement — the rest of the cluster is dropped with it;
 *  - otherwise, and when nothing matched, each character is looked up alone;
 *  - alignments follow Rust's `replace` bookkeeping: a longer replacement marks its extra characters
 *    as inserted, a shorter one makes the LAST transformation pushed so far absorb the removal
 *    (possibly the previous character's, when the replacement is empty).
 */
import { NormalizedString } from './normalizedString';
import { TokenizerError } from './errors';

/** Darts-clone unit fields. */
const hasLeaf = (unit: number): boolean => ((unit >>> 8) & 1) === 1;
const value = (unit: number): number => unit & 0x7fffffff;
const label = (unit: number): number => unit & 0x800000ff;
const offset = (unit: number): number => (unit >>> 10) << ((unit & 0x200) >>> 6);

/**
 * Longest replacement read (UTF-8 bytes): SentencePiece's own maps stay far below it (nmt_nfkc's
 * longest is a few dozen), and it bounds how much a hostile map can make a text grow.
 */
export const MAX_REPLACEMENT_BYTES = 256;

export class PrecompiledCharsmap {
  private readonly trie: Uint32Array;
  private readonly blob: Uint8Array;
  private readonly replacements = new Map<number, string>();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /** `where` names the charsmap in errors (`normalizer.precompiled_charsmap`). */
  constructor(
    bytes: Uint8Array,
    private readonly where = 'Precompiled',
  ) {
    if (bytes.length < 4) throw new TokenizerError(`${where}: the charsmap is too short`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > bytes.length || trieBytes === 0) {
      throw new TokenizerError(`${where}: invalid charsmap (trie of ${trieBytes} bytes in ${bytes.length})`);
    }
    this.trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.trie.length; i++) this.trie[i] = view.getUint32(4 + 4 * i, true);
    this.blob = bytes.subarray(4 + trieBytes);
    try {
      this.decoder.decode(this.blob);
    } catch {
      throw new TokenizerError(`${where}: the charsmap replacements are not UTF-8`);
    }
  }

  static fromBase64(base64: string, where?: string): PrecompiledCharsmap {
    return new PrecompiledCharsmap(new Uint8Array(Buffer.from(base64, 'base64')), where);
  }

  /**
   * Darts' common-prefix search: the value of the shortest key that is a prefix of `key`, or -1.
   * Offsets come from the file, so every index is checked (XOR can make one negative).
   */
  private firstPrefixValue(key: Uint8Array): number {
    const trie = this.trie;
    let pos = offset(trie[0]);
    for (let i = 0; i < key.length; i++) {
      const c = key[i];
      if (c === 0) break;
      pos ^= c;
      if (pos < 0 || pos >= trie.length) return -1;
      const unit = trie[pos];
      if (label(unit) !== c) return -1;
      pos ^= offset(unit);
      if (hasLeaf(unit)) return pos >= 0 && pos < trie.length ? value(trie[pos]) : -1;
    }
    return -1;
  }

  /** The replacement of `chunk` (first prefix match), or undefined. */
  transform(chunk: string): string | undefined {
    const at = this.firstPrefixValue(Buffer.from(chunk, 'utf8'));
    if (at < 0 || at >= this.blob.length) return undefined;
    let out = this.replacements.get(at);
    if (out === undefined) {
      let end = at;
      while (end < this.blob.length && this.blob[end] !== 0) end++;
      if (end - at > MAX_REPLACEMENT_BYTES) throw new TokenizerError(`${this.where}: a replacement longer than ${MAX_REPLACEMENT_BYTES} bytes (at byte ${at})`);
      try {
        out = this.decoder.decode(this.blob.subarray(at, end));
      } catch {
        throw new TokenizerError(`${this.where}: the replacement at byte ${at} is not UTF-8`);
      }
      this.replacements.set(at, out);
    }
    return out;
  }
}

let segmenter: Intl.Segmenter | undefined;

const isAscii = (c: number): boolean => c < 0x80;

/**
 * Extended grapheme clusters. Between two ASCII characters there is always a boundary except in
 * CR LF (no other rule keeps two ASCII characters together), so only the stretches between such
 * hard boundaries that hold a non-ASCII character go through Intl.Segmenter.
 */
function graphemes(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (isAscii(c) && (i + 1 >= n || isAscii(text.charCodeAt(i + 1)))) {
      const crlf = c === 13 && text.charCodeAt(i + 1) === 10;
      out.push(crlf ? '\r\n' : text[i]);
      i += crlf ? 2 : 1;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const a = text.charCodeAt(j - 1);
      const b = text.charCodeAt(j);
      if (isAscii(a) && isAscii(b) && !(a === 13 && b === 10)) break;
      j++;
    }
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (const s of segmenter.segment(text.slice(i, j))) out.push(s.segment);
    i = j;
  }
  return out;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Rust's `replace` bookkeeping for one replaced chunk. */
function pushReplacement(chars: string[], changes: number[], old: string, replacement: string): void {
  const oldCount = Array.from(old).length;
  const added = Array.from(replacement);
  const diff = added.length - oldCount;
  for (const c of added) {
    chars.push(c);
    changes.push(0);
  }
  if (diff > 0) for (let k = 0; k < diff && k < changes.length; k++) changes[changes.length - 1 - k] = 1;
  else if (diff < 0 && changes.length > 0) changes[changes.length - 1] += diff;
}

export function precompiledNormalizer(charsmap: PrecompiledCharsmap): (ns: NormalizedString) => NormalizedString {
  const asciiCache = new Map<string, string | null>();
  const lookup = (chunk: string): string | undefined => {
    if (chunk.length > 2) return charsmap.transform(chunk);
    let hit = asciiCache.get(chunk);
    if (hit === undefined) {
      hit = charsmap.transform(chunk) ?? null;
      if (asciiCache.size < 65536) asciiCache.set(chunk, hit);
    }
    return hit ?? undefined;
  };
  return (ns) => {
    const chars: string[] = [];
    const changes: number[] = [];
    let modified = false;
    for (const g of graphemes(ns.text)) {
      if (utf8Length(g) < 6) {
        const whole = lookup(g);
        if (whole !== undefined) {
          modified = true;
          pushReplacement(chars, changes, g, whole);
          continue;
        }
      }
      for (const c of g) {
        const part = lookup(c);
        if (part !== undefined) {
          modified = true;
          pushReplacement(chars, changes, c, part);
        } else {
          chars.push(c);
          changes.push(0);
        }
      }
    }
    return modified ? ns.transform(chars, changes, 0) : ns;
  };
}
