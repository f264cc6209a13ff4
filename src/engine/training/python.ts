import { spawn } from 'node:child_process';
import type { TrainingProblem } from './types';

export interface PythonFound {
  readonly python: string;
  readonly torch: string;
  readonly cuda: boolean;
}

const PROBE = 'import json, sys\ntry:\n    import torch\nexcept Exception as e:\n    print(json.dumps({"version": sys.version.split()[0], "error": repr(e)}))\n    sys.exit(0)\nprint(json.dumps({"version": sys.version.split()[0], "torch": torch.__version__, "cuda": bool(torch.cuda.is_available())}))\n';

/** The command that installs PyTorch for `python` (what the messages and the terminal offer). */
export function torchInstallCommand(python: string): string {
  const quoted = /\s/.test(python) ? `"${python}"` : python;
  return `${quoted} -m pip install torch`;
}

/** Runs `python` and imports torch: its version and whether it sees a CUDA GPU, or what is wrong and how to fix it. */
export function checkPython(python: string, timeoutMs = 60_000): Promise<PythonFound | TrainingProblem> {
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    let settled = false;
    const done = (v: PythonFound | TrainingProblem) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    let child;
    try {
      child = spawn(python, ['-c', PROBE], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      done({ kind: 'no-python', message: `Python could not be started (${python}): ${(e as Error).message}`, fix: 'Install Python 3 and set transformerExplorer.training.python to it.' });
      return;
    }
    const timer = setTimeout(() => {
      child.kill();
      done({ kind: 'no-python', message: `${python} did not answer within ${Math.round(timeoutMs / 1000)} s.` });
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ kind: 'no-python', message: `Python was not found: ${python} (${e.message}).`, fix: 'Install Python 3, or set transformerExplorer.training.python to an interpreter that has PyTorch.' });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let answer: { version?: string; torch?: string; cuda?: boolean; error?: string } | undefined;
      try {
        answer = JSON.parse(out.trim().split('\n').pop() ?? '') as typeof answer;
      } catch {
        answer = undefined;
      }
      if (!answer || code !== 0) {
        done({ kind: 'no-python', message: `${python} is not a working Python 3 (exit code ${code}).`, detail: err.trim().split('\n').slice(-5).join('\n') });
      } else if (!answer.torch) {
        done({ kind: 'no-torch', message: `PyTorch is not installed for ${python} (Python ${answer.version}): ${answer.error ?? 'import torch failed'}.`, fix: torchInstallCommand(python) });
      } else done({ python, torch: answer.torch, cuda: answer.cuda === true });
    });
  });
}

export function isProblem(v: unknown): v is TrainingProblem {
  return typeof v === 'object' && v !== null && 'kind' in v && 'message' in v;
}
