/** What each fuzz class provides to the worker: a deterministic case generator and a runner. */
import type { Rng } from '../prng';
import type { CaseRecipe } from '../recipe';

export interface CaseContext {
  /** A scratch folder for this case, empty when the case starts; always the same path for a class in a worker. */
  dir: string;
  /** A folder kept for the worker's life: bases built once, the graph cache. */
  keep: string;
  /** Called right before the engine runs: the watchdog's limit (ms) counts from here. */
  begin(limitMs?: number): void;
  /** A file time never used before in this worker: the engine's tokenizer cache goes by modification time. */
  stamp(): Date;
  /** Marks the input as valid by the harness's own reading: a user error on it is then counted as a refusal of a valid file. */
  markValid(): void;
}

export interface ClassDef<R extends CaseRecipe = CaseRecipe> {
  readonly cls: R['cls'];
  /** How many first cases are the unmutated seeds (each must be ok, or the harness or a seed is broken). */
  readonly pristine: number;
  /** Case `index` (the first few are the unmutated seeds, each of which must be ok). */
  generate(rng: Rng, index: number): R;
  /** Writes the case's files, runs the engine, checks the result; throws what the engine threw or an InvariantViolation. */
  run(recipe: R, ctx: CaseContext): Promise<void>;
  /** The case's input files (name → bytes), copied next to a saved regression for reading. */
  files?(recipe: R): Map<string, Uint8Array>;
}
