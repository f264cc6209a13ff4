/**
 * Values of trex's options, checked: a bad one is a UsageError (exit 2) naming the option, what it
 * must be and what it got (quoted, bounded). Whole-number knobs take their bounds from the
 * engine's TASK_LIMITS, so the CLI, the model host and the extension refuse the same values.
 */
import { quoteValue } from '../engine/errorText';
import { WEIGHT_PRECISIONS, type WeightPrecision } from '../engine/graph/precision';
import { DEVICE_PREFERENCES as DEVICES, type DevicePreference } from '../engine/runtime/types';
import { inRange, rangeText, TASK_LIMITS, type IntRange, type TaskLimit } from '../engine/tasks/limits';
import { UsageError, type ParsedArgs } from './args';

function bad(name: string, what: string, raw: string): never {
  throw new UsageError(`${name} must be ${what}, got ${quoteValue(raw)}`);
}

/** A whole number within `range` (a TASK_LIMITS name or a range of its own), or undefined when absent. */
export function intOption(args: ParsedArgs, name: string, range: TaskLimit | IntRange): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const bounds = typeof range === 'string' ? TASK_LIMITS[range] : range;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!inRange(n, bounds)) bad(name, rangeText(bounds), raw);
  return n;
}

/** A finite number that `ok` accepts (`what` says which), or undefined when absent. */
export function numberOption(args: ParsedArgs, name: string, ok: (n: number) => boolean, what: string): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || !ok(n)) bad(name, what, raw);
  return n;
}

/** One of `choices` (the first is the default). */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T {
  const raw = args.options.get(name) ?? choices[0];
  if (!(choices as readonly string[]).includes(raw)) bad(name, `one of ${choices.join(', ')}`, raw);
  return raw as T;
}

/** The options of every command that runs a model. */
export const MODEL_OPTIONS = ['--model', '--device', '--precision'];

/** `--precision` (float32 unless given): weight-only int8/int4 graphs. */
export function precisionOption(args: ParsedArgs): WeightPrecision {
  return choiceOption(args, '--precision', WEIGHT_PRECISIONS);
}

/** `--device` (cpu unless given). */
export function deviceOption(args: ParsedArgs): DevicePreference {
  return choiceOption(args, '--device', ['cpu', ...DEVICES.filter((d) => d !== 'cpu')]);
}

/** A string option that must not be blank or longer than `maxChars`. */
export function textOption(args: ParsedArgs, name: string, maxChars: number): string | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  if (raw === '' || raw.length > maxChars) bad(name, `a text of 1 to ${maxChars} characters`, raw);
  return raw;
}
