import { totalmem } from 'node:os';
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { formatBytes } from '../engine/models/hub/plan';
import { readModelCard } from '../engine/models/modelDir';
import { advisePrecision } from '../engine/models/precisionAdvice';
import type { WeightPrecision } from '../engine/runtime/types';

type PrecisionItem = vscode.QuickPickItem & { precision: WeightPrecision };

/**
 * Before a model is loaded from the chooser: when float32 would not fit comfortably in this
 * machine's memory (engine/models/precisionAdvice.ts) and the `precision` setting is float32, asks
 * which precision to load it in, int8 or int4 suggested first. `undefined` when there is nothing to
 * ask (the setting stays as it is), `'cancel'` when the user dismissed the question.
 */
export async function askPrecision(dir: string, label: string): Promise<WeightPrecision | 'cancel' | undefined> {
  if (readConfig().precision !== 'float32') return undefined;
  let facts;
  try {
    facts = await readModelCard(dir);
  } catch {
    return undefined; // the load says what is wrong with the folder
  }
  const memory = totalmem();
  const advice = advisePrecision({ ...facts, parameters: facts.parameters.exact }, memory);
  if (advice.suggested === 'float32') return undefined;
  const size = (bytes: number) => formatBytes(bytes);
  const items: PrecisionItem[] = [
    {
      precision: 'int8',
      label: 'int8',
      description: vscode.l10n.t('about {0} of weights', size(advice.weightBytes.int8)),
      detail: vscode.l10n.t('Closest to float32: 99 % of next tokens agree on the built-in models (BENCHMARKS.md).'),
    },
    {
      precision: 'int4',
      label: 'int4',
      description: vscode.l10n.t('about {0} of weights', size(advice.weightBytes.int4)),
      detail: vscode.l10n.t('Smallest and fastest on a CPU; further from float32.'),
    },
    {
      precision: 'float32',
      label: 'float32',
      description: vscode.l10n.t('about {0} while loading', size(advice.float32LoadBytes)),
      detail: vscode.l10n.t('The reference numbers; needs its weights twice in memory while the graph is built.'),
    },
  ];
  const suggested = items.find((i) => i.precision === advice.suggested);
  if (suggested) suggested.label = vscode.l10n.t('{0} (suggested)', suggested.label);
  const ordered = [...items].sort((a, b) => Number(b.precision === advice.suggested) - Number(a.precision === advice.suggested));
  const picked = await vscode.window.showQuickPick(ordered, {
    title: vscode.l10n.t('Load {0} in which precision?', label),
    placeHolder: vscode.l10n.t(
      '{0} has {1} parameters: in float32 it needs about {2} while loading, and this machine has {3}. The choice is saved in the precision setting.',
      label,
      facts.parameters.exact.toLocaleString(vscode.env.language),
      size(advice.float32LoadBytes),
      size(memory),
    ),
    ignoreFocusOut: true,
  });
  return picked ? picked.precision : 'cancel';
}
