/**
 * The one resolver from a model spec to the folder to read, for the CLI, the model host and the
 * extension alike. A spec is a folder path (relative to `baseDir`), `builtin:NAME` (a model shipped
 * in `builtinRoot`), or a Hugging Face id. {@link locateModel} never touches the network (an id
 * resolves only from the HF cache); {@link resolveModelSpec} downloads a missing Hub model through
 * the caller's `download` wrapper, which adds the consent and the progress its user interface shows.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import type { DownloadPlan } from '../models/hub/plan';
import type { DownloadProgress } from '../models/hub/download';
import { findCachedModel, looksLikeHubModelId, resolveModel, type ResolvedModel } from '../models/hub/resolve';
import { hubSettings, type HubSettings } from '../models/hub/settings';
import { TaskError } from './errors';

export interface ModelLocation {
  /** Absolute folder holding config.json, the tokenizer and the weights. */
  dir: string;
  /** The Hub id when the spec was one (or the folder is a snapshot of the HF cache). */
  repoId?: string;
  /** What to call the model: its Hub id, else the folder's name. */
  label: string;
  /** The NAME of a `builtin:NAME` spec. */
  builtin?: string;
  /** True when files were downloaded to get here. */
  downloaded?: boolean;
}

export interface LocateOptions {
  /** Where Hub ids are looked up (the HF cache); from the environment when absent. */
  hub?: HubSettings;
  /** The folder a relative path starts from; the process's working folder when absent. */
  baseDir?: string;
  /** The folder of the built-in models: `builtin:NAME` → `<builtinRoot>/NAME`. Without it `builtin:` is not special. */
  builtinRoot?: string;
}

/** What a download needs from the caller's user interface. */
export interface DownloadHooks {
  /** Asked once with the plan (size, files) before the first byte moves; false declines (a 'cancelled' HubError). */
  confirm: (plan: DownloadPlan) => Promise<boolean> | boolean;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface ResolveSpecOptions extends LocateOptions {
  /**
   * Runs the download of a Hub model that is not complete in the cache: the caller wraps `fetch`
   * in its progress display and gives it its hooks. Without it such a model is an error.
   */
  download?: (repoId: string, fetch: (hooks: DownloadHooks) => Promise<ResolvedModel>) => Promise<ResolvedModel>;
}

/** `.../models--org--name/snapshots/<commit>` → `org/name`. */
export function repoIdOfSnapshot(dir: string): string | undefined {
  const parts = dir.split(sep);
  const at = parts.lastIndexOf('snapshots');
  if (at < 1 || at !== parts.length - 2) return undefined;
  const folder = parts[at - 1];
  return folder.startsWith('models--') ? folder.slice('models--'.length).split('--').join('/') : undefined;
}

/** `builtin:NAME` → `{ dir: <root>/NAME, name }`; undefined for any other spec or a NAME with a folder in it. */
export function builtinFolder(spec: string, builtinRoot: string): { dir: string; name: string } | undefined {
  const m = /^builtin:(.+)$/.exec(spec);
  if (!m) return undefined;
  const name = m[1].trim();
  if (name === '' || name.includes('/') || name.includes('\\') || name === '..' || name === '.') return undefined;
  return { dir: join(builtinRoot, name), name };
}

/** The spec's folder when it is one (`builtin:` or a path), before checking that it exists. */
function pathOf(spec: string, options: LocateOptions): { path: string; builtin?: string } {
  const builtin = options.builtinRoot === undefined ? undefined : builtinFolder(spec, options.builtinRoot);
  if (builtin) return { path: builtin.dir, builtin: builtin.name };
  return { path: isAbsolute(spec) || options.baseDir === undefined ? resolve(spec) : resolve(options.baseDir, spec) };
}

/** A spec → its folder, with no network: an id resolves only from the HF cache. Throws a TaskError saying why not. */
export function locateModel(spec: string, options: LocateOptions = {}): ModelLocation {
  const trimmed = spec.trim();
  if (!trimmed) throw new TaskError('no model given: name a model folder or a Hugging Face model id');
  const { path, builtin } = pathOf(trimmed, options);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new TaskError(`${path} is not a folder (a model is a folder with config.json, a tokenizer and safetensors weights)`);
    const repoId = repoIdOfSnapshot(path);
    return { dir: path, label: repoId ?? basename(path), ...(repoId ? { repoId } : {}), ...(builtin === undefined ? {} : { builtin }) };
  }
  if (builtin === undefined && looksLikeHubModelId(trimmed)) {
    const settings = options.hub ?? hubSettings();
    const cached = findCachedModel(trimmed, settings);
    if (!cached) throw new TaskError(`model '${trimmed}' is not in the Hugging Face cache ${settings.cacheDir} (download it first) and no folder has that name`);
    return { dir: cached.snapshotDir, repoId: trimmed, label: trimmed };
  }
  throw new TaskError(`no model folder ${path}, and '${trimmed}' is not a Hugging Face model id`);
}

/** True when `spec` names a Hub model rather than a folder or a built-in model. */
export function isHubSpec(spec: string, options: LocateOptions = {}): boolean {
  const trimmed = spec.trim();
  const { path, builtin } = pathOf(trimmed, options);
  return builtin === undefined && !existsSync(path) && looksLikeHubModelId(trimmed);
}

/**
 * A spec → its folder: as {@link locateModel}, and a Hub model missing from the cache is
 * downloaded through `options.download` (which asks first) when given.
 */
export async function resolveModelSpec(spec: string, options: ResolveSpecOptions = {}): Promise<ModelLocation> {
  const trimmed = spec.trim();
  const { download } = options;
  if (!download || !isHubSpec(trimmed, options)) return locateModel(trimmed, options);
  const settings = options.hub ?? hubSettings();
  const cached = findCachedModel(trimmed, settings);
  if (cached) return { dir: cached.snapshotDir, repoId: trimmed, label: trimmed, downloaded: false };
  const resolved = await download(trimmed, (hooks) => resolveModel(trimmed, settings, hooks));
  return { dir: resolved.snapshotDir, repoId: trimmed, label: trimmed, downloaded: resolved.downloaded };
}
