/**
 * A model spec (a folder path, or a Hugging Face id) → the folder to read, with no network:
 * an id resolves only from the HF cache (the caller downloads first, e.g. with hub/resolveModel).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';
import { findCachedModel, looksLikeHubModelId } from '../models/hub/resolve';
import { hubSettings, type HubSettings } from '../models/hub/settings';
import { TaskError } from './errors';

export interface ModelLocation {
  /** Absolute folder holding config.json, the tokenizer and the weights. */
  dir: string;
  /** The Hub id when the spec was one (or the folder is a snapshot of the HF cache). */
  repoId?: string;
  /** What to call the model: its Hub id, else the folder's name. */
  label: string;
}

/** `.../models--org--name/snapshots/<commit>` → `org/name`. */
export function repoIdOfSnapshot(dir: string): string | undefined {
  const parts = dir.split(sep);
  const at = parts.lastIndexOf('snapshots');
  if (at < 1 || at !== parts.length - 2) return undefined;
  const folder = parts[at - 1];
  return folder.startsWith('models--') ? folder.slice('models--'.length).split('--').join('/') : undefined;
}

export function locateModel(spec: string, settings: HubSettings = hubSettings()): ModelLocation {
  const trimmed = spec.trim();
  if (!trimmed) throw new TaskError('no model given: name a model folder or a Hugging Face model id');
  const path = resolve(trimmed);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new TaskError(`${path} is not a folder (a model is a folder with config.json, a tokenizer and safetensors weights)`);
    const repoId = repoIdOfSnapshot(path);
    return { dir: path, label: repoId ?? basename(path), ...(repoId ? { repoId } : {}) };
  }
  if (looksLikeHubModelId(trimmed)) {
    const cached = findCachedModel(trimmed, settings);
    if (!cached) throw new TaskError(`model '${trimmed}' is not in the Hugging Face cache ${settings.cacheDir} (download it first) and no folder has that name`);
    return { dir: cached.snapshotDir, repoId: trimmed, label: trimmed };
  }
  throw new TaskError(`no model folder ${path}, and '${trimmed}' is not a Hugging Face model id`);
}
