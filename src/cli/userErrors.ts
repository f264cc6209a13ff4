/**
 * How trex reports an error: one line of at most MAX_MESSAGE_CHARS on stderr and an exit code —
 * 2 for a bad command line, 1 for a user error (a wrong folder, a bad file, a text too long, a
 * training run that cannot start or fails: its fix on a second line), 70 only for a bug in trex
 * (its stack with TREX_DEBUG=1).
 */
import { MAX_MESSAGE_CHARS, oneLine } from '../engine/errorText';
import { GraphBuildError } from '../engine/graph/modelGraph';
import { ModelConfigError } from '../engine/models/config';
import { HubError } from '../engine/models/hub/errors';
import { ModelDirError } from '../engine/models/modelDir';
import { SafetensorsError } from '../engine/models/safetensors';
import { TaskError } from '../engine/tasks/errors';
import { TokenizerError } from '../engine/tokenizers/load';
import { TrainingError } from '../engine/training/run';
import { UsageError } from './args';

/** A text trex cannot take (stdin too large): exit code 1. */
export class InputError extends Error {}

const USER_ERRORS = [TaskError, ModelDirError, ModelConfigError, SafetensorsError, HubError, GraphBuildError, TokenizerError, InputError];

/** File-system failures on a path the user gave (a missing, unreadable or wrong kind of file). */
const FILE_ERROR_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EINVAL', 'ENXIO', 'ENODEV']);

function isFileError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && FILE_ERROR_CODES.has((e as NodeJS.ErrnoException).code!) && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** The message of a user error, undefined for anything else (a bug). */
export function userErrorMessage(e: unknown): string | undefined {
  if (USER_ERRORS.some((k) => e instanceof k) || isFileError(e)) return (e as Error).message;
  return undefined;
}

export interface ErrorReport {
  exitCode: 1 | 2 | 70;
  /** What stderr gets, ending with a newline. */
  text: string;
}

/** `trex: <message><suffix>` on one line of at most MAX_MESSAGE_CHARS (the message is cut, the suffix kept). */
function line(message: string, suffix = ''): string {
  const room = MAX_MESSAGE_CHARS - 'trex: '.length - suffix.length;
  return `trex: ${oneLine(message, room)}${suffix}\n`;
}

/**
 * A training problem: its message, then its fix on a line of its own when it has one (the install
 * command for a Python without PyTorch, to copy), and with TREX_DEBUG=1 the Python's last lines.
 */
function trainingReport(e: TrainingError, debug: boolean): ErrorReport {
  const { kind, message, fix, detail } = e.problem;
  let text = line(message);
  if (fix) text += line(kind === 'no-torch' ? `install it with: ${fix}` : fix);
  if (debug && detail) text += `${detail}\n`;
  return { exitCode: kind === 'bad-options' ? 2 : 1, text };
}

export function errorReport(e: unknown, debug: boolean): ErrorReport {
  if (e instanceof UsageError) return { exitCode: 2, text: line(e.message, ' (see trex --help)') };
  if (e instanceof TrainingError) return trainingReport(e, debug);
  const user = userErrorMessage(e);
  if (user !== undefined) return { exitCode: 1, text: line(user) };
  const err = e instanceof Error ? e : new Error(String(e));
  const text = line(`internal error: ${err.message}`, debug ? '' : ' (TREX_DEBUG=1 shows the stack)');
  return { exitCode: 70, text: debug ? `${text}${err.stack ?? ''}\n` : text };
}
