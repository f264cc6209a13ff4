/**
 * A token as a person can read it: byte-level symbols decoded back to text (`Ġworld` → `␣world`,
 * `Ã©` → `é`), bytes that are only part of a character shown as `<0xE4>`, and invisible characters
 * made visible: space `␣`, newline `↵`, tab `→`, carriage return `␍`, other controls as their
 * Unicode control pictures.
 */
import { byteLevelToBytes } from './byteLevel';

const VISIBLE: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '→', '\r': '␍', '\x7f': '␡' };

/** Makes whitespace and control characters visible. */
export function visibleWhitespace(s: string): string {
  return s.replace(/[\0-\x20\x7f]/g, (c) => VISIBLE[c] ?? String.fromCharCode(0x2400 + c.charCodeAt(0)));
}

function hex(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** Decodes UTF-8, writing bytes that do not form a whole character as `<0xNN>`. */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need === 0) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    if (need < 0 || i + need >= bytes.length) {
      out += hex(b);
      i++;
      continue;
    }
    let cp = b & (0x3f >> need);
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    const minimum = [0, 0x80, 0x800, 0x10000][need];
    if (!ok || cp < minimum || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += hex(b);
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

export function displayToken(token: string, byteLevel: boolean): string {
  if (byteLevel) {
    const bytes = byteLevelToBytes(token);
    if (bytes) return visibleWhitespace(decodeUtf8Lenient(bytes));
  }
  return visibleWhitespace(token);
}
