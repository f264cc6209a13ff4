/**
 * Reading the fields of a tokenizer.json component with their types checked where they are read.
 * A wrong shape is a one-line TokenizerError naming the field by its path in the file:
 *
 *   arrayField({ type: 'Sequence', pretokenizers: 'x' }, 'pretokenizers', 'pre_tokenizer')
 *     → TokenizerError: pre_tokenizer.pretokenizers must be a list, not "x"
 *
 * A missing (or, for optional fields, null) field takes the documented default; a present field
 * of the wrong type is refused, as Rust tokenizers refuses the file.
 */
import { quoteValue } from '../errorText';
import { TokenizerError } from './errors';

export type Json = Record<string, unknown>;

/** Nesting of Sequence components (normalizers, pre-tokenizers, post-processors, decoders) accepted. */
export const MAX_SEQUENCE_DEPTH = 32;

/** Ids are Rust `u32`s. */
export const MAX_ID = 0xffff_ffff;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fieldError(path: string, expected: string, value: unknown): TokenizerError {
  return new TokenizerError(`${path} must be ${expected}, not ${quoteValue(value)}`);
}

export function objectAt(value: unknown, path: string): Json {
  if (!isObject(value)) throw fieldError(path, 'an object', value);
  return value;
}

export function arrayField(config: Json, key: string, path: string): unknown[] {
  const value = config[key];
  if (!Array.isArray(value)) throw fieldError(`${path}.${key}`, 'a list', value);
  return value;
}

export function boolField(config: Json, key: string, path: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw fieldError(`${path}.${key}`, 'true or false', value);
  return value;
}

/** A boolean that may also be null (Rust `Option<bool>`): null and absent give undefined. */
export function optionalBoolField(config: Json, key: string, path: string): boolean | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw fieldError(`${path}.${key}`, 'true, false or null', value);
  return value;
}

export function stringField(config: Json, key: string, path: string, fallback: string): string {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw fieldError(`${path}.${key}`, 'a string', value);
  return value;
}

/** A string that may also be null (Rust `Option<String>`): null and absent give undefined. */
export function optionalStringField(config: Json, key: string, path: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw fieldError(`${path}.${key}`, 'a string or null', value);
  return value;
}

/** A Rust `char`: a string of exactly one code point (required when there is no fallback). */
export function charField(config: Json, key: string, path: string, fallback: string | undefined): string {
  const value = config[key] === undefined ? fallback : config[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > 2 || [...value].length !== 1) {
    throw fieldError(`${path}.${key}`, 'one character', config[key]);
  }
  return value;
}

/** One of the listed strings. */
export function choiceField<T extends string>(config: Json, key: string, path: string, choices: readonly T[], fallback: T): T {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw fieldError(`${path}.${key}`, `one of ${choices.join(', ')}`, value);
  }
  return value as T;
}

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_ID;
}

/** A token id: an integer from 0 to 2³²−1. */
export function idAt(value: unknown, path: string): number {
  if (!isId(value)) throw fieldError(path, 'an id (an integer from 0 to 4294967295)', value);
  return value;
}

/** The type of a component, for the switch that builds it. */
export function typeOf(config: Json, path: string): string {
  const type = config.type;
  if (typeof type !== 'string') throw fieldError(`${path}.type`, 'a string', type);
  return type;
}

/**
 * The path of a Sequence's child. Deep inside nested Sequences the middle is elided, so that an
 * error stays short: `pre_tokenizer.pretokenizers[0].….pretokenizers[0].pretokenizers[1]`.
 */
export function childPath(path: string, list: string, index: number): string {
  const segments = `${path}.${list}[${index}]`.split('.');
  return (segments.length > 5 ? [segments[0], segments[1], '…', ...segments.slice(-2)] : segments).join('.');
}

/** The depth check of a Sequence's children: one level deeper than `depth`. */
export function deeper(depth: number, path: string): number {
  if (depth >= MAX_SEQUENCE_DEPTH) throw new TokenizerError(`${path}: Sequences nested deeper than ${MAX_SEQUENCE_DEPTH}`);
  return depth + 1;
}
