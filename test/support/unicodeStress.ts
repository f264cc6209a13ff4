/**
 * Generated Unicode stress text: the characters where offsets go wrong — multi-unit characters,
 * decomposed accents, case changes that change length, whitespace of every kind, controls,
 * added tokens in the middle of words. Deterministic (seeded), so a failure can be reproduced.
 */

import { seededRandom } from '../../src/engine/graph/weights';

export { seededRandom };

const FRENCH = 'Le café où l’élève naïve a mangé une crème brûlée, déjà à Noël ; Ça, c’est Œdipe à l’hôtel.';
export const FRAGMENTS: readonly string[] = [
  FRENCH,
  FRENCH.normalize('NFD'),
  'Éloïse Ångström façade ÀÉÎÕÜ àéîõü ñ Ñ ç Ç',
  'a\u0301\u0323 e\u0323\u0302 o\u0308\u0304 q\u0307\u0323 x\u0300\u0301\u0302\u0303',
  '😀 👍🏽 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇫🇷🇯🇵🇺🇸 🧑🏿‍🚀 #️⃣ 🫨 🐍🦀',
  '中文分词很有趣。日本語のテキスト、カタカナとひらがな。한국어 문장입니다. 𠀀𠀁𪚥',
  'مرحبا بالعالم، هذا نص عربي. שלום עולם',
  'नमस्ते दुनिया, यह हिंदी पाठ है। ক্ষ ਪੰਜਾਬੀ',
  'สวัสดีชาวโลก ພາສາລາວ',
  'ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ Ὀδυσσεύς λόγος ΛΌΓΟΣ ΟΔΟΣ σ ς Σ ἄνθρωπος',
  'Привет, мир! Ёлка ЁЖИК',
  'İstanbul ǅemal ß ẞ ﬁ ﬀ Å K ℌ ①②③ ½ ² ㍿ ｆｕｌｌｗｉｄｔｈ',
  'line one\r\nline two\r\n\r\nline four',
  '\t\ttabbed\tcolumns\t',
  'wide          gap                                   here',
  'nbsp\u00a0ideographic\u3000em\u2003thin\u2009zero\u200bwidth\ufeffbom nel\u0085',
  'ctl\u0000nul\u0007bel\u001besc\u007fdel\u0001x',
  '3.14159 1,000,000 ٣٤٥ ४५६ 2024-01-01 0x1F 1e-9',
  'HeLLo WoRLD ÉCOLE ÇA iPhone McDonald',
  "I'm don't we'll they've I'D O'NEIL it’s 's 't",
  'end<|endoftext|>start <|endoftext|> <|endoftext|><|endoftext|>',
  '[CLS] hello [MASK] world [SEP] [UNK] [PAD] [mask] x[MASK]y',
  'a'.repeat(120) + ' ' + 'pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(3),
  'lone \ud800 surrogate \udc00 here',
  'new chars: \u0897 \u2e5d \ua7ce \u{11de0} \u{1e5ff} \u0890 \u1734',
  'unaffable tokenization embeddings lowest newer wider',
  'x = f(a, b) -> {"key": [1, 2]}; // comment',
];

const SEPARATORS = [' ', ' ', ' ', '  ', '\n', '\r\n', '\t', '\n\n', '   \n', ', ', '. ', ''];

export function unicodeStressText(bytes: number, seed = 20240501): string {
  const random = seededRandom(seed);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const f = FRAGMENTS[Math.floor(random() * FRAGMENTS.length)];
    const sep = SEPARATORS[Math.floor(random() * SEPARATORS.length)];
    parts.push(f, sep);
    size += Buffer.byteLength(f + sep, 'utf8');
  }
  return parts.join('');
}
