/**
 * `--model ID|PATH` → a model folder, through the engine's one resolver (engine/tasks/modelSpec.ts):
 * a folder as is; a Hub id from the HF cache with no request, else (unless HF_HUB_OFFLINE=1)
 * downloaded with progress on stderr, after a size confirmation on a TTY (`--yes` skips it; without
 * a TTY `--yes` is required).
 */
import { createInterface } from 'node:readline/promises';
import { formatBytes, type DownloadPlan } from '../engine/models/hub/plan';
import { resolveModelSpec, type ModelLocation } from '../engine/tasks/modelSpec';
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

/** The model `--model` names (the engine's resolver), downloading a Hub model when needed. */
export async function cliModel(spec: string | undefined, yes: boolean): Promise<ModelLocation> {
  if (spec === undefined || spec.trim() === '') throw new UsageError('--model ID|PATH is required (a model folder or a Hugging Face model id)');
  const location = await resolveModelSpec(spec, {
    download: (repoId, fetch) => {
      let lastShown = -1;
      return fetch({
        confirm: confirmDownload(yes),
        onProgress: (p) => {
          const percent = p.overallTotal > 0 ? Math.floor((100 * p.overallReceived) / p.overallTotal) : 100;
          if (percent === lastShown) return;
          lastShown = percent;
          process.stderr.write(`\rtrex: ${repoId}: ${percent}% of ${formatBytes(p.overallTotal)} (${p.file})${percent === 100 ? '\n' : ''}`);
        },
      });
    },
  });
  if (location.downloaded) process.stderr.write(`trex: ${spec} is in ${location.dir}\n`);
  return location;
}
