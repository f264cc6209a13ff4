import * as vscode from 'vscode';

/**
 * A trailing-edge debouncer: `trigger()` (re)starts the timer, `run` is called once the calls
 * stop for `delayMs`. Disposing cancels a pending call.
 */
export class Debouncer implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly run: () => void | Promise<void>,
  ) {}

  /** (Re)starts the timer; `delayMs` overrides the default for this wait (e.g. longer for big files). */
  trigger(delayMs = this.delayMs): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void Promise.resolve()
        .then(this.run)
        .catch((error: unknown) => console.error('[transformer-explorer] debounced update failed', error));
    }, delayMs);
  }

  cancel(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    this.cancel();
  }
}
