import * as vscode from 'vscode';
import { parseSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, toRows, type AttentionSnapshot } from '../engine/attention/snapshot';
import type { AttentionModelView, AttentionOptions, ImageFormat } from '../protocol/attention';

/** Folder of the workspace where snapshots are saved. */
export const SNAPSHOT_FOLDER = 'attention-snapshots';

/** The snapshot of what the viewer shows: the layer/head chosen, through the same token groups (`view`: the host's grouped matrix). */
export function buildSnapshot(
  text: string,
  view: { labels: string[]; n: number; matrix: Float32Array },
  model: AttentionModelView & { spec: string },
  options: AttentionOptions,
  now = new Date(),
): AttentionSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    model: { id: model.spec, label: model.label, family: model.family, ...(model.revision ? { revision: model.revision } : {}) },
    text,
    tokens: view.labels,
    layer: options.layer,
    head: options.head,
    causal: model.causal,
    options: { hideSpecial: options.hideSpecial, mergeSubwords: options.mergeSubwords },
    weights: toRows(view.matrix, view.n),
    created: now.toISOString(),
  };
}

/** A file name for the current view: `gpt2-L3-H5` (no path characters). */
export function viewFileName(modelLabel: string, options: Pick<AttentionOptions, 'layer' | 'head'>): string {
  const head = typeof options.head === 'number' ? `H${options.head}` : options.head;
  return `${modelLabel.replace(/[^\w.-]+/g, '_')}-L${options.layer}-${head}`;
}

function workspaceFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Writes a snapshot into `<workspace>/attention-snapshots/` (or where the user says when there is no workspace). */
export async function writeSnapshot(snapshot: AttentionSnapshot, name: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  let uri = target;
  if (!uri) {
    const folder = workspaceFolder();
    uri = folder
      ? vscode.Uri.joinPath(folder, SNAPSHOT_FOLDER, `${name}-${snapshot.created.replace(/[:.]/g, '-')}.json`)
      : await vscode.window.showSaveDialog({ filters: { JSON: ['json'] }, saveLabel: vscode.l10n.t('Save Snapshot') });
  }
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(snapshot, null, 1) + '\n', 'utf8'));
  return uri;
}

/** `data:image/png;base64,…` or SVG text → the file's bytes. */
export function imageBytes(format: ImageFormat, data: string): Buffer {
  if (format === 'svg') {
    if (!data.trimStart().startsWith('<svg')) throw new Error(vscode.l10n.t('The view did not produce an SVG image.'));
    return Buffer.from(data, 'utf8');
  }
  const m = /^data:image\/png;base64,(.*)$/s.exec(data);
  if (!m) throw new Error(vscode.l10n.t('The view did not produce a PNG image.'));
  return Buffer.from(m[1], 'base64');
}

/** Asks where to save an image (unless `target` is given) and writes it. */
export async function writeImage(format: ImageFormat, data: string, name: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const bytes = imageBytes(format, data);
  const folder = workspaceFolder();
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${name}.${format}`) } : {}),
      filters: format === 'png' ? { PNG: ['png'] } : { SVG: ['svg'] },
      saveLabel: vscode.l10n.t('Save Image'),
    }));
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, bytes);
  return uri;
}

/** Reads and checks a snapshot file; asks for it when `uri` is absent. */
export async function readSnapshot(uri?: vscode.Uri): Promise<AttentionSnapshot | undefined> {
  const folder = workspaceFolder();
  const chosen =
    uri ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { JSON: ['json'] },
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, SNAPSHOT_FOLDER) } : {}),
        openLabel: vscode.l10n.t('Open Snapshot'),
      })
    )?.[0];
  if (!chosen) return undefined;
  const text = Buffer.from(await vscode.workspace.fs.readFile(chosen)).toString('utf8');
  return parseSnapshot(text);
}
