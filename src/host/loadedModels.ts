/**
 * The models a host has open, by id, in least-recently-used order. A load beyond the limits
 * (count of models, bytes of their graphs) releases the least recently used others first.
 */
import { releaseDecodeSession } from '../engine/tasks/decodeSession';
import type { LoadedModel } from '../engine/tasks/openModel';
import type { DeviceKind } from '../engine/runtime/types';

export interface ModelLimits {
  maxModels: number;
  maxBytes: number;
}

export const DEFAULT_MODEL_LIMITS: ModelLimits = { maxModels: 2, maxBytes: Number.POSITIVE_INFINITY };

interface Entry {
  id: string;
  /** Folder + device asked for: the same load twice reuses the model. */
  key: string;
  model: LoadedModel;
}

export class LoadedModels {
  /** Map order = use order, least recent first. */
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;
  limits: ModelLimits = { ...DEFAULT_MODEL_LIMITS };

  get size(): number {
    return this.entries.size;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** The model with this id, marked as just used. */
  get(id: string): LoadedModel | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.model;
  }

  findByKey(key: string): string | undefined {
    for (const entry of this.entries.values()) if (entry.key === key) return this.get(entry.id) ? entry.id : undefined;
    return undefined;
  }

  /** Adds a model and evicts others beyond the limits; returns its new id. */
  async add(key: string, model: LoadedModel): Promise<string> {
    const id = `m${this.nextId++}`;
    this.entries.set(id, { id, key, model });
    await this.evict(id);
    return id;
  }

  async release(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    await releaseDecodeSession(entry.model);
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

  private bytes(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.model.graphBytes;
    return total;
  }

  /** Releases the least recently used models (never `keep`) until within the limits. */
  private async evict(keep: string): Promise<void> {
    for (const id of [...this.entries.keys()]) {
      if (this.entries.size <= this.limits.maxModels && this.bytes() <= this.limits.maxBytes) return;
      if (id !== keep) await this.release(id);
    }
  }
}
