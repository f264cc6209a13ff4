/**
 * What package.json contributes that the code must serve: the commands (`contributes.commands`),
 * the panels VS Code restores after a reload (`onWebviewPanel:<viewType>` activation events) and
 * the webview views (`contributes.views`, type `webview`). The activation path registers exactly
 * these, and the features bundle checks that it has a handler for each (see src/features.ts), so
 * that a new command or panel is declared once, in the manifest. A leaf module: no `vscode`.
 */
export interface ManifestEntries {
  commands: string[];
  panels: string[];
  views: string[];
}

const PANEL_EVENT = 'onWebviewPanel:';

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`package.json: ${where} is not an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`package.json: ${where} is not a list`);
  return value;
}

function id(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`package.json: ${where} is not a non-empty string`);
  return value;
}

/** The entries of `packageJSON` (the extension's parsed manifest); throws on a malformed one. */
export function readManifest(packageJSON: unknown): ManifestEntries {
  const manifest = record(packageJSON, 'the manifest');
  const contributes = record(manifest.contributes ?? {}, 'contributes');
  const commands = list(contributes.commands, 'contributes.commands').map((c, i) => id(record(c, `contributes.commands[${i}]`).command, `contributes.commands[${i}].command`));
  const panels = list(manifest.activationEvents, 'activationEvents')
    .map((e, i) => id(e, `activationEvents[${i}]`))
    .filter((e) => e.startsWith(PANEL_EVENT))
    .map((e) => e.slice(PANEL_EVENT.length));
  const views = Object.entries(record(contributes.views ?? {}, 'contributes.views')).flatMap(([container, entries]) =>
    list(entries, `contributes.views.${container}`)
      .map((v, i) => record(v, `contributes.views.${container}[${i}]`))
      .filter((v) => v.type === 'webview')
      .map((v, i) => id(v.id, `contributes.views.${container}[${i}].id`)),
  );
  return { commands, panels, views };
}
