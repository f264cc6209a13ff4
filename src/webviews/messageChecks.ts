/**
 * Checks of what the webviews send to the extension host. A webview is a web page: whatever it
 * posts is checked against what its panel offered before a handler sees it — a tokenizer must be
 * one of the choices the panel listed (never any path a message names), numbers finite and in
 * range, strings bounded, objects of the expected shape. A check returns the params as the
 * handler takes them, or undefined: the connection then ignores the notification, or answers the
 * request with an error. Pure (no `vscode`), so unit tests run them as they are.
 */
import type { TokensOptions } from '../protocol/tokens';
import type { Check } from '../protocol/wire';

/** Longest tokenizer spec (a path) a message may name. */
export const MAX_SPEC_CHARS = 4096;
/** Longest file name (without folder) a message may give. */
export const MAX_NAME_CHARS = 200;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A whole number in [min, max]. */
export function intIn(v: unknown, min: number, max: number): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
}

/** A finite number, clamped to [min, max] and rounded (sizes a webview asks for: a thumbnail side, a count). */
export function clampedInt(v: unknown, min: number, max: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(min, Math.min(max, Math.round(v))) : undefined;
}

export function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

export function oneOf<T extends string>(v: unknown, choices: readonly T[]): T | undefined {
  return typeof v === 'string' && (choices as readonly string[]).includes(v) ? (v as T) : undefined;
}

/** A string of at most `max` characters. */
export function boundedString(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

/** A list of at most `maxItems` items, each accepted by `item` (one refused refuses the list). */
export function listOf<T>(v: unknown, maxItems: number, item: (x: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(v) || v.length > maxItems) return undefined;
  const out: T[] = [];
  for (const x of v) {
    const checked = item(x);
    if (checked === undefined) return undefined;
    out.push(checked);
  }
  return out;
}

/** A tokenizer spec among those the panel offered. */
export function offeredSpec(v: unknown, offered: ReadonlySet<string>): string | undefined {
  const spec = boundedString(v, MAX_SPEC_CHARS);
  return spec !== undefined && offered.has(spec) ? spec : undefined;
}

/** A name safe as a file name: no folder, no path or control characters, bounded. */
export function safeFileName(v: unknown): string | undefined {
  const name = boundedString(v, MAX_NAME_CHARS);
  if (name === undefined) return undefined;
  const safe = name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_');
  return safe === '' ? undefined : safe;
}

/** `{}`-like params (a request or notification without fields). */
export const checkEmpty: Check<Record<string, never>> = (p) => (isRecord(p) ? {} : undefined);

// ───────────────────────────── token panels ─────────────────────────────

/** Tokens panel `options/didChange`: both tokenizers among the offered ones. */
export function checkTokensOptions(p: unknown, offered: ReadonlySet<string>): TokensOptions | undefined {
  if (!isRecord(p)) return undefined;
  const primary = offeredSpec(p['primary'], offered);
  const secondary = offeredSpec(p['secondary'], offered);
  const compare = bool(p['compare']);
  return primary !== undefined && secondary !== undefined && compare !== undefined ? { primary, secondary, compare } : undefined;
}

/** BPE panel `tokenizer/didChange`: a tokenizer among the offered ones. */
export function checkSpecChange(p: unknown, offered: ReadonlySet<string>): { spec: string } | undefined {
  const spec = isRecord(p) ? offeredSpec(p['spec'], offered) : undefined;
  return spec === undefined ? undefined : { spec };
}

/** Learn BPE `options/didChange`: a finite number of merges (the panel clamps it to its range). */
export const checkMerges: Check<{ merges: number }> = (p) => {
  const merges = isRecord(p) ? finite(p['merges']) : undefined;
  return merges === undefined ? undefined : { merges };
};

/** Tokens view `token/didActivate`: a range inside the text of `textLength` characters the view shows. */
export function checkTokenRange(p: unknown, textLength: number): { start: number; end: number } | undefined {
  if (!isRecord(p)) return undefined;
  const start = intIn(p['start'], 0, textLength);
  const end = intIn(p['end'], 0, textLength);
  return start !== undefined && end !== undefined && start <= end ? { start, end } : undefined;
}
