import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface NvidiaDriver {
  /** How it was found. */
  source: 'nvidia-smi' | '/proc/driver/nvidia/version';
  /** Driver version when it could be read. */
  version?: string;
}

const PROC_VERSION = '/proc/driver/nvidia/version';

/** `nvidia-smi` on PATH, if any. */
export function findOnPath(program: string, envPath = process.env.PATH ?? ''): string | undefined {
  const names = process.platform === 'win32' ? [`${program}.exe`] : [program];
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface DetectOptions {
  /** Where the kernel module says its version (tests point it elsewhere). */
  procVersionPath?: string;
  /** The PATH searched for nvidia-smi. */
  envPath?: string;
}

/** An NVIDIA driver on this machine (Linux /proc, or nvidia-smi on PATH), or undefined. */
export async function detectNvidiaDriver(options: DetectOptions = {}): Promise<NvidiaDriver | undefined> {
  const procVersion = options.procVersionPath ?? PROC_VERSION;
  if (existsSync(procVersion)) {
    const text = await fs.readFile(procVersion, 'utf8').catch(() => '');
    const version = /Kernel Module\s+([\d.]+)/.exec(text)?.[1];
    return { source: PROC_VERSION, ...(version ? { version } : {}) };
  }
  const smi = findOnPath('nvidia-smi', options.envPath);
  if (!smi) return undefined;
  const version = await new Promise<string | undefined>((resolve) => {
    execFile(smi, ['--query-gpu=driver_version', '--format=csv,noheader'], { timeout: 10_000 }, (error, stdout) =>
      resolve(error ? undefined : stdout.split('\n')[0]?.trim() || undefined),
    );
  });
  return { source: 'nvidia-smi', ...(version ? { version } : {}) };
}
