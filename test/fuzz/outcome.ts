/**
 * What a case ends in, and how an exception is judged. A user error must be an instance of one
 * of the engine's user-error classes (what `trex` prints as one line and exit 1) with a message
 * of one line and at most 600 characters; anything else thrown is `internal`.
 */
import { GraphBuildError } from '../../src/engine/graph/modelGraph';
import { ModelConfigError } from '../../src/engine/models/config';
import { HubError } from '../../src/engine/models/hub/errors';
import { ModelDirError } from '../../src/engine/models/modelDir';
import { SafetensorsError } from '../../src/engine/models/safetensors';
import { TaskError } from '../../src/engine/tasks/errors';
import { TokenizerError } from '../../src/engine/tokenizers/errors';
import { originalPosition } from './sourceMap';

export const OUTCOMES = ['ok', 'user-error', 'internal', 'hang', 'crash', 'wrong'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The outcomes that fail a run. */
export const FAILING: ReadonlySet<Outcome> = new Set(['internal', 'hang', 'crash', 'wrong']);

/** Per case: at most this long (ms) from the engine call to its answer. */
export const CASE_LIMIT_MS = 2000;

export const MAX_USER_MESSAGE_CHARS = 600;

export interface CaseResult {
  outcome: Outcome;
  /** The error message (first 2,000 characters), or what broke an invariant; '' for ok. */
  message: string;
  /** For `wrong`: the invariant broken, without the case's particulars (the failure's identity). */
  rule?: string;
  /** For internal errors: the constructor name and the first engine frame of the stack. */
  where?: string;
}

const USER_ERROR_CLASSES = [TokenizerError, ModelConfigError, SafetensorsError, ModelDirError, HubError, GraphBuildError, TaskError];

/** Thrown by a class's checks when a result breaks an invariant: the case is `wrong`. */
export class InvariantViolation extends Error {
  /** `rule`: the invariant, the same for every case that breaks it; `details`: this case's particulars. */
  constructor(
    readonly rule: string,
    details = '',
  ) {
    super(details ? `${rule} — ${details}` : rule);
    this.name = 'InvariantViolation';
  }
}

/** A result a class determined itself (the CLI class reads it off an exit code). */
export class ExplicitOutcome extends Error {
  constructor(
    readonly result: CaseResult,
  ) {
    super(result.message);
    this.name = 'ExplicitOutcome';
  }
}

export function clip(text: string, max = 2000): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** The first stack frame in the engine (src/…, else node_modules/…), e.g. `src/engine/tokenizers/bpeModel.ts:42`. */
export function engineFrame(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames = stack.split('\n').slice(1, 40).map((line) => /(?:\(|^at )((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?$/.exec(line.trim())).filter((m) => m !== null);
  const pick = frames.find((m) => /[/\\]out[/\\]src[/\\]/.test(m[1])) ?? frames.find((m) => /[/\\]node_modules[/\\]/.test(m[1]));
  if (!pick) return undefined;
  const [, file, line, column] = pick;
  return originalPosition(file, Number(line), Number(column)) ?? `${file.replace(/^.*[/\\](out[/\\]src|node_modules)[/\\]/, '$1/')}:${line}`;
}

/** Why a user error's message is not a proper one-line message, if it is not: the rule it breaks and how. */
export function userMessageProblem(message: string): { rule: string; details: string } | undefined {
  if (/[\r\n]/.test(message)) return { rule: 'message of more than one line', details: `${message.split(/\r\n|\r|\n/).length} lines` };
  if (message.length > MAX_USER_MESSAGE_CHARS) return { rule: `message over ${MAX_USER_MESSAGE_CHARS} characters`, details: `${message.length} characters` };
  if (message.trim() === '') return { rule: 'empty message', details: '' };
  return undefined;
}

/**
 * Where a message comes from, whatever it quotes: its text up to the first quoted or bracketed
 * value or repeated run, paths and numbers blotted out (`<path>: unsupported normalizer type`).
 */
export function messageTemplate(message: string): string {
  return message
    .replace(/(?:\/[^\s"'():,]+)+/g, '<path>')
    .replace(/(.{1,8}?)\1{3,}/gsu, '\u0000')
    .replace(/\d+/g, 'N')
    .split(/["'`[{(\u0000]/)[0]
    .trim()
    .slice(0, 120);
}

/** Judges what a case threw. */
export function classifyError(e: unknown): CaseResult {
  if (e instanceof InvariantViolation) return { outcome: 'wrong', message: clip(e.message), rule: e.rule };
  if (e instanceof ExplicitOutcome) return { ...e.result, message: clip(e.result.message) };
  if (USER_ERROR_CLASSES.some((k) => e instanceof k)) {
    const message = (e as Error).message;
    const problem = userMessageProblem(message);
    if (problem) {
      const name = (e as Error).name;
      return { outcome: 'wrong', message: clip(`${name}: ${problem.rule} (${problem.details}): ${message}`), rule: `${name} ${problem.rule}: ${messageTemplate(message)}` };
    }
    return { outcome: 'user-error', message };
  }
  if (e instanceof Error) {
    const frame = engineFrame(e.stack);
    return { outcome: 'internal', message: clip(`${e.name}: ${e.message}`), ...(frame ? { where: `${e.constructor.name} at ${frame}` } : { where: e.constructor.name }) };
  }
  return { outcome: 'internal', message: clip(`non-Error thrown: ${String(e)}`), where: typeof e };
}
