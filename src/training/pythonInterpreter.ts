/**
 * The Python that trains: the `transformerExplorer.training.python` setting when set, else the
 * interpreter selected in the Python extension (ms-python.python) when it is installed, else
 * `python3` on the PATH (`python` on Windows). Then `import torch` is checked; without it the user
 * is told what to install and offered a terminal with the command typed in.
 */
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { checkPython, type PythonFound } from '../engine/training/python';
import type { TrainingProblem } from '../engine/training/types';
import { problemText } from './problemText';

export interface Interpreter {
  readonly python: string;
  /** Where it came from, for messages: the setting, the Python extension, or the PATH. */
  readonly from: 'setting' | 'python-extension' | 'path';
}

/** `value` as a record, or undefined (the Python extension's API is read without trusting its shape). */
function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** The interpreter the Python extension has selected for `resource`, if it is installed and says. */
async function fromPythonExtension(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = record(ext.isActive ? ext.exports : await ext.activate());
    // The environments API (2023+): getActiveEnvironmentPath(resource) → { path }.
    const environments = record(api?.environments);
    if (typeof environments?.getActiveEnvironmentPath === 'function') {
      const active = record(await Promise.resolve((environments.getActiveEnvironmentPath as (r?: vscode.Uri) => unknown)(resource)));
      if (typeof active?.path === 'string' && active.path !== '' && active.path !== 'python') return active.path;
    }
    // The older settings API: getExecutionDetails(resource) → { execCommand: string[] }.
    const settings = record(api?.settings);
    if (typeof settings?.getExecutionDetails === 'function') {
      const details = record((settings.getExecutionDetails as (r?: vscode.Uri) => unknown)(resource));
      const command = details?.execCommand;
      if (Array.isArray(command) && typeof command[0] === 'string' && command[0] !== '') return command[0];
    }
  } catch {
    // An extension that fails to activate is one we do without.
  }
  return undefined;
}

export async function findInterpreter(resource?: vscode.Uri): Promise<Interpreter> {
  const configured = readConfig().training.python;
  if (configured) return { python: configured, from: 'setting' };
  // In Restricted Mode the workspace chooses no interpreter (nor, through the setting, which VS Code ignores there).
  const selected = vscode.workspace.isTrusted ? await fromPythonExtension(resource) : undefined;
  if (selected) return { python: selected, from: 'python-extension' };
  return { python: process.platform === 'win32' ? 'python' : 'python3', from: 'path' };
}

/**
 * The interpreter with PyTorch, or undefined after telling the user what is wrong: no Python (with
 * where it was looked for and the setting to change), or no torch (with the install command and a
 * button that opens a terminal with it typed, not run).
 */
export async function interpreterWithTorch(resource?: vscode.Uri): Promise<(PythonFound & Interpreter) | undefined> {
  const found = await findInterpreter(resource);
  const checked = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking {0} for PyTorch…', found.python) },
    () => checkPython(found.python),
  );
  if ('torch' in checked) return { ...checked, from: found.from };
  await explainProblem(checked, found);
  return undefined;
}

/** The problem of a Python check or a run, said with what fixes it. */
export async function explainProblem(problem: TrainingProblem, interpreter?: Interpreter): Promise<void> {
  const where = interpreter?.from === 'setting'
    ? vscode.l10n.t('(from the setting transformerExplorer.training.python)')
    : interpreter?.from === 'python-extension'
      ? vscode.l10n.t('(the interpreter selected in the Python extension)')
      : '';
  if (problem.kind === 'no-torch' && problem.fix) {
    const openTerminal = vscode.l10n.t('Open a Terminal with the Command');
    const settings = vscode.l10n.t('Choose Another Python');
    const answer = await vscode.window.showErrorMessage(
      vscode.l10n.t('PyTorch is missing for {0} {1}. Training needs it: install it with {2}', interpreter?.python ?? '', where, problem.fix),
      openTerminal,
      settings,
    );
    if (answer === openTerminal) {
      const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('Install PyTorch') });
      terminal.show();
      terminal.sendText(problem.fix, false); // typed, not run: the user reads it and presses Enter
    } else if (answer === settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'transformerExplorer.training.python');
    }
    return;
  }
  if (problem.kind === 'no-python') {
    const settings = vscode.l10n.t('Choose Another Python');
    const answer = await vscode.window.showErrorMessage(
      vscode.l10n.t('No working Python: {0} {1}. Install Python 3 with PyTorch, or set transformerExplorer.training.python.', problemText(problem, interpreter?.python), where),
      settings,
    );
    if (answer === settings) await vscode.commands.executeCommand('workbench.action.openSettings', 'transformerExplorer.training.python');
    return;
  }
  void vscode.window.showErrorMessage(problemText(problem, interpreter?.python));
}
