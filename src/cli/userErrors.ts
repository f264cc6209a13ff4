/** Errors that are the user's to fix (a wrong folder, a text too long): one line, exit code 1. */
import { GraphBuildError } from '../engine/graph/modelGraph';
import { ModelConfigError } from '../engine/models/config';
import { HubError } from '../engine/models/hub/errors';
import { ModelDirError } from '../engine/models/modelDir';
import { SafetensorsError } from '../engine/models/safetensors';
import { TaskError } from '../engine/tasks/errors';

const USER_ERRORS = [TaskError, ModelDirError, ModelConfigError, SafetensorsError, HubError, GraphBuildError];

/** The one-line message of a user error, undefined for anything else (a bug). */
export function userErrorMessage(e: unknown): string | undefined {
  if (!USER_ERRORS.some((k) => e instanceof k)) return undefined;
  return (e as Error).message.split('\n')[0];
}
