import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUNDLED_TOKENIZERS } from '../engine/tokenizers/bundledNames';
import type { TextTokenizer } from '../engine/tokenizers/textTokenizer';
import type { TokenizerInfo } from '../engine/tokenizers/types';
import { affects, readConfig, SettingKey, writeSetting } from '../config';
import { Disposable } from '../util/disposable';

/** Loads a tokenizer from a resolved spec: the engine's `loadTokenizer`, reached lazily (see extension.ts). */
export type TokenizerLoader = (spec: string) => Promise<TextTokenizer>;

/** How a load is shown: a notification for something the user asked for, the status bar otherwise. */
export type LoadMode = 'interactive' | 'background';

const RECENT_KEY = 'transformerExplorer.recentTokenizers';
const MAX_RECENT = 5;

/**
 * The active tokenizer and every tokenizer a feature asks for. Loads lazily (first use of a
 * tokenizer takes about a second), once per spec, under `withProgress`; remembers custom files the
 * user picked; fires {@link onDidChangeActive} when the `tokenizer` setting changes.
 */
export class TokenizerService extends Disposable {
  private readonly loads = new Map<string, Promise<TextTokenizer>>();
  private readonly ready = new Map<string, TextTokenizer>();
  private readonly activeChanged = this.register(new vscode.EventEmitter<string>());
  /** Fires with the new spec when the active tokenizer setting changes. */
  readonly onDidChangeActive = this.activeChanged.event;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly loadTokenizer: TokenizerLoader,
  ) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affects(e, SettingKey.tokenizer)) {
          this.activeChanged.fire(this.activeSpec);
        }
      }),
    );
  }

  get activeSpec(): string {
    return readConfig().tokenizer;
  }

  get compareSpec(): string {
    return readConfig().compareTokenizer;
  }

  /** The tokenizer if it is already loaded, without waiting. */
  peek(spec: string): TextTokenizer | undefined {
    return this.ready.get(resolveSpec(spec));
  }

  loadActive(mode: LoadMode): Promise<TextTokenizer> {
    return this.load(this.activeSpec, mode);
  }

  /** Loads `spec` (cached). Rejects with the engine's `TokenizerError` for a bad spec or file. */
  load(spec: string, mode: LoadMode): Promise<TextTokenizer> {
    const key = resolveSpec(spec);
    if (!vscode.workspace.isTrusted && !path.isAbsolute(key) && !isBundled(key)) {
      // Restricted Mode: a relative path is not looked up in the workspace (see resolveSpec).
      // Named as the engine's errors are, so it is shown as a user error (util/errors.ts).
      const refused = new Error(vscode.l10n.t('The tokenizer path {0} is relative: in Restricted Mode it is not looked up in the workspace. Give an absolute path, or trust the workspace.', spec));
      refused.name = 'TokenizerError';
      return Promise.reject(refused);
    }
    const known = this.loads.get(key);
    if (known) {
      return known;
    }
    // The engine's code (dist/features.js) loads with the first tokenizer, on a later turn of the
    // event loop: never inside the caller's synchronous path, activation included (the token
    // count starts its first load from its constructor).
    const pending = withLoadProgress(displayName(spec), mode, () => nextTurn().then(() => this.loadTokenizer(key))).then(
      (tok) => {
        this.ready.set(key, tok);
        return tok;
      },
      (error: unknown) => {
        this.loads.delete(key); // let the user fix the file and try again
        throw error;
      },
    );
    this.loads.set(key, pending);
    return pending;
  }

  /** Validates `spec` by loading it, then makes it the active tokenizer (persisted in the settings). */
  async activate(spec: string): Promise<string> {
    await this.load(spec, 'interactive');
    if (!isBundled(spec)) {
      await this.remember(spec);
    }
    if (spec !== this.activeSpec) {
      await writeSetting(SettingKey.tokenizer, spec);
    }
    return this.activeSpec;
  }

  /** Custom tokenizers picked before, newest first. */
  get recent(): string[] {
    return this.memento.get<string[]>(RECENT_KEY, []).filter((s) => typeof s === 'string');
  }

  async remember(spec: string): Promise<void> {
    const list = [spec, ...this.recent.filter((s) => s !== spec)].slice(0, MAX_RECENT);
    await this.memento.update(RECENT_KEY, list);
  }
}

export function isBundled(spec: string): boolean {
  return (BUNDLED_TOKENIZERS as readonly string[]).includes(spec);
}

/**
 * What to hand the engine: bundled names as they are; `~` expanded; relative paths resolved
 * against the first workspace folder (so a workspace setting can say `models/camembert`) — but
 * not in Restricted Mode, where the workspace's files are not used: a relative path stays
 * relative there, and `load` refuses it.
 */
export function resolveSpec(spec: string): string {
  if (isBundled(spec)) {
    return spec;
  }
  let p = spec;
  if (p === '~' || p.startsWith('~/')) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (!path.isAbsolute(p) && vscode.workspace.isTrusted) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder && folder.uri.scheme === 'file') {
      p = path.join(folder.uri.fsPath, p);
    }
  }
  return p;
}

/** A short name for the status bar and pickers: `gpt2`, or the model folder's name. */
/**
 * The tokenizer's label in the UI language. The engine (no `vscode.l10n`) names a byte-level
 * tokenizer "<name> (byte-level BPE)", the bundled GPT-2 included; that part is translated here.
 */
export function tokenizerLabel(info: Pick<TokenizerInfo, 'label' | 'byteLevel'>): string {
  const english = ' (byte-level BPE)';
  return info.byteLevel && info.label.endsWith(english) ? `${info.label.slice(0, -english.length)} (${vscode.l10n.t('byte-level BPE')})` : info.label;
}

export function displayName(spec: string): string {
  if (isBundled(spec)) {
    return spec;
  }
  const base = path.basename(spec);
  return base.toLowerCase() === 'tokenizer.json' ? path.basename(path.dirname(spec)) || base : base;
}

function withLoadProgress<T>(name: string, mode: LoadMode, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress(
      {
        location: mode === 'interactive' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
        title: vscode.l10n.t('Loading tokenizer {0}…', name),
      },
      task,
    ),
  );
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
