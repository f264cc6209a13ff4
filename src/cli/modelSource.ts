/**
 * `--model ID|PATH` → a model folder. A folder is used as is; a Hub id resolves from the HF cache
 * with no request, else (unless HF_HUB_OFFLINE=1) is downloaded with progress on stderr, after a
 * size confirmation on a TTY (`--yes` skips it; without a TTY `--yes` is required).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { formatBytes, type DownloadPlan } from '../engine/models/hub/plan';
import { looksLikeHubModelId, resolveModel } from '../engine/models/hub/resolve';
import { hubSettings } from '../engine/models/hub/settings';
import { UsageError } from './args';

async function askYes(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function confirmDownload(yes: boolean): (plan: DownloadPlan) => Promise<boolean> {
  return async (plan) => {
    const what = `${plan.repoId} (${formatBytes(plan.bytesToDownload)} to download, ${plan.files.length} files)`;
    if (yes) {
      process.stderr.write(`trex: downloading ${what}\n`);
      return true;
    }
    if (!process.stdin.isTTY) throw new UsageError(`model ${what} is not in the Hugging Face cache: add --yes to download it`);
    return askYes(`Download ${what}? [y/N] `);
  };
}

/** The folder `--model` names, downloading a Hub model when needed. */
export async function modelFolder(spec: string | undefined, yes: boolean): Promise<string> {
  if (spec === undefined || spec.trim() === '') throw new UsageError('--model ID|PATH is required (a model folder or a Hugging Face model id)');
  const path = resolve(spec);
  if (existsSync(path) || !looksLikeHubModelId(spec)) return path;
  let lastShown = -1;
  const resolved = await resolveModel(spec, hubSettings(), {
    confirm: confirmDownload(yes),
    onProgress: (p) => {
      const percent = p.overallTotal > 0 ? Math.floor((100 * p.overallReceived) / p.overallTotal) : 100;
      if (percent === lastShown) return;
      lastShown = percent;
      process.stderr.write(`\rtrex: ${spec}: ${percent}% of ${formatBytes(p.overallTotal)} (${p.file})${percent === 100 ? '\n' : ''}`);
    },
  });
  if (resolved.downloaded) process.stderr.write(`trex: ${spec} is in ${resolved.snapshotDir}\n`);
  return resolved.snapshotDir;
}
