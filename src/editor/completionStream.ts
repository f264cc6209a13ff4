import * as vscode from 'vscode';

/**
 * Streams generated text into an editor at one place as ONE undo step: the first write starts an
 * undo group (undoStopBefore), every later write replaces the text inserted so far without any
 * undo stop, and `finish` writes the final text and closes the group (undoStopAfter). Writes are
 * queued so they apply in order. Any change of the document that is not ours (the user typing,
 * another extension) or an editor that is gone stops the stream: `onInterrupted` fires once.
 */
export class CompletionStream implements vscode.Disposable {
  private inserted = '';
  private started = false;
  private applying = false;
  private expectedEvents = 0;
  private broken = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly start: number;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly editor: vscode.TextEditor,
    at: vscode.Position,
    private readonly onInterrupted: () => void,
  ) {
    this.start = editor.document.offsetAt(at);
    this.listener = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== editor.document || e.contentChanges.length === 0) return;
      // Each of our edits yields one change event, during its `edit` call or just after it.
      if (this.expectedEvents > 0) {
        this.expectedEvents--;
        return;
      }
      if (!this.applying) this.interrupt();
    });
  }

  /** The text written so far. */
  get text(): string {
    return this.inserted;
  }

  get interrupted(): boolean {
    return this.broken;
  }

  /** Shows `text` (everything generated so far) in place of what was written before. */
  write(text: string): Promise<void> {
    return this.enqueue(text, false);
  }

  /**
   * Writes the final text (by default what was streamed, once the queued writes are done) and
   * closes the undo group. Resolves to what the document holds.
   */
  async finish(text?: string): Promise<string> {
    await this.enqueue(text, true);
    this.dispose();
    return this.inserted;
  }

  dispose(): void {
    this.listener.dispose();
  }

  private interrupt(): void {
    if (this.broken) return;
    this.broken = true;
    this.onInterrupted();
  }

  private enqueue(text: string | undefined, last: boolean): Promise<void> {
    this.queue = this.queue.then(() => this.apply(text ?? this.inserted, last)).catch(() => this.interrupt());
    return this.queue;
  }

  private async apply(text: string, last: boolean): Promise<void> {
    if (this.broken || this.editor.document.isClosed) return;
    if (!last && text === this.inserted) return;
    if (last && !this.started && text === '') return;
    const doc = this.editor.document;
    const range = new vscode.Range(doc.positionAt(this.start), doc.positionAt(this.start + this.inserted.length));
    const changes = text !== this.inserted;
    this.applying = true;
    if (changes) this.expectedEvents++;
    let ok: boolean;
    try {
      // The last write may change nothing: it still closes the undo group.
      ok = await this.editor.edit((eb) => changes && eb.replace(range, text), { undoStopBefore: !this.started, undoStopAfter: last });
    } finally {
      this.applying = false;
    }
    if (!ok) {
      if (changes) this.expectedEvents = Math.max(0, this.expectedEvents - 1);
      this.interrupt();
      return;
    }
    this.started = true;
    this.inserted = text;
  }
}
