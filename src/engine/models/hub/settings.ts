/**
 * Where the Hugging Face cache lives and how to reach the Hub, read from the same environment
 * variables as Python's `huggingface_hub`, so both share one cache:
 *   cache:    HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub
 *   endpoint: HF_ENDPOINT (default https://huggingface.co)
 *   token:    HF_TOKEN (sent as `Authorization: Bearer …`)
 *   offline:  HF_HUB_OFFLINE=1|true|yes|on → never touch the network
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HubSettings {
  /** Absolute path of the hub cache folder (the one holding `models--org--name`). */
  readonly cacheDir: string;
  /** Base URL without a trailing slash, e.g. `https://huggingface.co`. */
  readonly endpoint: string;
  readonly token?: string;
  readonly offline: boolean;
  /** Milliseconds without any byte before a request is abandoned. */
  readonly timeoutMs: number;
}

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const DEFAULT_TIMEOUT_MS = 30_000;

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

export function isTruthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}

/** The hub cache folder for this environment (see the module comment for the order). */
export function hubCacheDir(env: Env = process.env, home: string = homedir()): string {
  const hubCache = nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE);
  if (hubCache) return resolve(expandHome(hubCache, home));
  const hfHome = nonEmpty(env.HF_HOME);
  if (hfHome) return resolve(expandHome(hfHome, home), 'hub');
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  const cacheRoot = xdg ? expandHome(xdg, home) : join(home, '.cache');
  return resolve(cacheRoot, 'huggingface', 'hub');
}

/** All Hub settings from an environment; `overrides` win (tests pass a temp cache dir and a local endpoint). */
export function hubSettings(env: Env = process.env, overrides: Partial<HubSettings> = {}, home: string = homedir()): HubSettings {
  const token = nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN);
  const base: HubSettings = {
    cacheDir: hubCacheDir(env, home),
    endpoint: (nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, ''),
    offline: isTruthy(env.HF_HUB_OFFLINE),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    ...(token ? { token } : {}),
  };
  return { ...base, ...overrides };
}
