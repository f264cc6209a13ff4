import * as vscode from 'vscode';

/**
 * Base class for anything that owns VS Code resources. `register()` ties a resource's lifetime
 * to its owner; anything registered after the owner was disposed is disposed at once, so a late
 * async callback can never leak a listener.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposedFlag = false;

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  protected register<T extends vscode.Disposable>(resource: T): T {
    if (this.disposedFlag) {
      resource.dispose();
    } else {
      this.owned.push(resource);
    }
    return resource;
  }

  dispose(): void {
    if (this.disposedFlag) {
      return;
    }
    this.disposedFlag = true;
    // Dispose in reverse order of registration, like a stack of `using` blocks.
    for (const resource of this.owned.splice(0).reverse()) {
      try {
        resource.dispose();
      } catch (error) {
        console.error('[transformer-explorer] dispose failed', error);
      }
    }
  }
}
