/**
 * The models a host has open, by id, in least-recently-used order. A load beyond the limits
 * (count of models, bytes of their graphs) releases the least recently used others first — idle
 * ones before ones a request is running on. The limits are the host's options (given when it
 * starts, changed by `host/configure`), never a side effect of a load.
 *
 * Requests run on a model through `use()`. Releasing a model (model/release, eviction, or its
 * files having changed) takes it out of the table at once (later requests get `unknownModel`),
 * aborts the requests running on it — generation and surprisal stop at their next step, a single
 * forward pass ends — waits for them to stop, and only then frees its sessions: a session is never
 * disposed under a run. Each of those requests answers `cancelled`, saying the model was released.
 */
import { releaseModelExtras } from '../engine/tasks/modelExtras';
import type { LoadedModel } from '../engine/tasks/openModel';
import type { DeviceKind } from '../engine/runtime/types';
import { HostRequestError } from './hostErrors';
import { CANCELLED_MESSAGE, unknownModel } from './requestKit';

/** The bounds of the host's loaded-model cache (host options; see `host/configure`). */
export interface ModelLimits {
  /** Models open at once. */
  maxModels: number;
  /** Bytes of their graphs (`Infinity`: no bound). */
  maxBytes: number;
}

export const DEFAULT_MODEL_LIMITS: ModelLimits = { maxModels: 2, maxBytes: Number.POSITIVE_INFINITY };

/** Why a model was released: said to the requests that were running on it. */
export type ReleaseReason = 'released' | 'evicted' | 'changed';

const RELEASE_REASONS: Record<ReleaseReason, string> = {
  released: 'was released',
  evicted: 'was unloaded to make room for another model',
  changed: 'was opened again because its files changed',
};

interface Entry {
  id: string;
  /** Folder + device asked for: the same load twice reuses the model. */
  key: string;
  /** The folder's files when it was opened (see folderStamp.ts): a different stamp means reload. */
  stamp: string;
  model: LoadedModel;
  /** Aborted when the model is released: the requests running on it stop. */
  closing: AbortController;
  reason?: ReleaseReason;
  /** The work of the requests running on the model. */
  running: Set<Promise<unknown>>;
}

export class LoadedModels {
  /** Map order = use order, least recent first. */
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;
  limits: ModelLimits;

  constructor(limits: Partial<ModelLimits> = {}) {
    this.limits = { ...DEFAULT_MODEL_LIMITS, ...limits };
  }

  /** Changes the limits; models beyond the new ones are released (least recently used first). */
  async configure(limits: Partial<ModelLimits>): Promise<void> {
    this.limits = { ...this.limits, ...limits };
    await this.evict(undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** The model with this id, marked as just used. */
  get(id: string): LoadedModel | undefined {
    const entry = this.touch(id);
    return entry?.model;
  }

  /** The model loaded for `key`, and the stamp of its files then. */
  findByKey(key: string): { id: string; stamp: string } | undefined {
    for (const entry of this.entries.values()) if (entry.key === key) return this.touch(entry.id) && { id: entry.id, stamp: entry.stamp };
    return undefined;
  }

  /** Adds a model and evicts others beyond the limits; returns its new id. */
  async add(key: string, model: LoadedModel, stamp = ''): Promise<string> {
    const id = `m${this.nextId++}`;
    this.entries.set(id, { id, key, stamp, model, closing: new AbortController(), running: new Set() });
    await this.evict(id);
    return id;
  }

  /**
   * Runs `work` on model `id` with a signal aborted when the request is cancelled (`signal`) or the
   * model released. Rejects with `unknownModel` when there is no such model, and with `cancelled`
   * (saying why) when the model was released while the work ran.
   */
  async use<T>(id: string, signal: AbortSignal, work: (model: LoadedModel, signal: AbortSignal) => Promise<T>): Promise<T> {
    const entry = this.touch(id);
    if (!entry) throw unknownModel(id);
    const running = work(entry.model, AbortSignal.any([signal, entry.closing.signal]));
    entry.running.add(running);
    try {
      const result = await running;
      if (entry.closing.signal.aborted) throw released(entry);
      return result;
    } catch (e) {
      throw entry.closing.signal.aborted ? released(entry) : e;
    } finally {
      entry.running.delete(running);
    }
  }

  /** Releases a model once the requests running on it have stopped; false when there is no such model. */
  async release(id: string, reason: ReleaseReason = 'released'): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    entry.reason = reason;
    entry.closing.abort();
    await Promise.allSettled([...entry.running]);
    await releaseModelExtras(entry.model);
    await entry.model.session.release();
    return true;
  }

  /** The device a model runs on and the GPU asked for (its other sessions open there too). */
  openedOn(id: string): { device: DeviceKind; gpuId?: number } | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const gpu = entry.key.split('\n')[2];
    return { device: entry.model.session.device, ...(gpu ? { gpuId: Number(gpu) } : {}) };
  }

  private touch(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  private bytes(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.model.graphBytes;
    return total;
  }

  private overLimits(): boolean {
    return this.entries.size > this.limits.maxModels || this.bytes() > this.limits.maxBytes;
  }

  /** Releases the least recently used models (never `keep`), idle ones first, until within the limits. */
  private async evict(keep: string | undefined): Promise<void> {
    for (const busyToo of [false, true]) {
      for (const entry of [...this.entries.values()]) {
        if (!this.overLimits()) return;
        if (entry.id !== keep && (busyToo || entry.running.size === 0)) await this.release(entry.id, 'evicted');
      }
    }
  }
}

function released(entry: Entry): HostRequestError {
  return new HostRequestError('cancelled', `${CANCELLED_MESSAGE}: model ${entry.model.label} ${RELEASE_REASONS[entry.reason ?? 'released']}`);
}
