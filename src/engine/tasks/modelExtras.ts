/**
 * What a task opens once per loaded model beside its inspect session — the decode session, the
 * logit lens's head session (shared by surprisal), surprisal's body session, the static-embedding table — kept here, one table per kind, and all
 * released together with the model (`releaseModelExtras`, next to `model.session.release()`).
 * Concurrent first calls share one opening; a failed opening is forgotten so a later call retries.
 */
import type { LoadedModel } from './openModel';

type Releaser = (model: LoadedModel) => Promise<void>;
const releasers: Releaser[] = [];

export interface PerModel<T> {
  /** The value of `model`, opened by `open` on the first call. */
  get(model: LoadedModel, open: () => Promise<T>): Promise<T>;
  /** Forgets and frees the value of `model`, if any. */
  release(model: LoadedModel): Promise<void>;
}

/** A table of one kind of extra; `free` frees a value when its model is released. */
export function perModel<T>(free: (value: T, model: LoadedModel) => Promise<void> | void): PerModel<T> {
  const opening = new WeakMap<LoadedModel, Promise<T>>();
  const release = async (model: LoadedModel): Promise<void> => {
    const pending = opening.get(model);
    if (!pending) return;
    opening.delete(model);
    const value = await pending.then(
      (v) => ({ v }),
      () => undefined,
    );
    if (value) await free(value.v, model);
  };
  releasers.push(release);
  return {
    get(model, open) {
      let pending = opening.get(model);
      if (!pending) {
        pending = open();
        opening.set(model, pending);
        const mine = pending;
        pending.catch(() => {
          if (opening.get(model) === mine) opening.delete(model);
        });
      }
      return pending;
    },
    release,
  };
}

/** Releases every extra opened for `model` (call it next to model.session.release()). */
export async function releaseModelExtras(model: LoadedModel): Promise<void> {
  for (const release of releasers) await release(model);
}
