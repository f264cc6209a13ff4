/** Messages between the harness and its worker processes. */
import type { CaseResult } from './outcome';
import type { CaseRecipe, FuzzClass } from './recipe';

/** A case to run: generated from (run seed, class, index), or a recipe given as is (replays, minimization). */
export type Job = { kind: 'generate'; cls: FuzzClass; runSeed: number; index: number } | { kind: 'recipe'; recipe: CaseRecipe };

export type ToWorker = { type: 'job'; id: number; job: Job };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'begin'; id: number; limitMs: number }
  | {
      type: 'done';
      id: number;
      result: CaseResult;
      /** The harness's own reading found the input valid (see CaseContext.markValid). */
      validInput: boolean;
      /** For failing cases, the recipe (so the parent need not generate it again). */
      recipe?: CaseRecipe;
      /** Engine time, from begin() to the end. */
      ms: number;
      /** The whole case in the worker: generating, writing, running. */
      wallMs: number;
    }
  /** The harness itself failed (a generator threw): not a finding about the engine. */
  | { type: 'harness-error'; id: number; message: string };
