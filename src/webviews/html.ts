import * as vscode from 'vscode';
import { createNonce } from '../util/nonce';

/** Folders a webview may load from: the webview bundles and `media/` (CSS, icons). */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
}

export interface PageSpec {
  /** Bundle name: `dist/webview/<script>.js`, built from `webview-ui/<script>.ts`. */
  script: string;
  /** Style sheets under `media/css/`. */
  styles: string[];
  title: string;
}

/**
 * The HTML shell of a webview: a strict Content-Security-Policy (no inline code, scripts only
 * with this document's nonce, resources only from the extension), then the bundle. The page
 * itself is drawn by the script once the host answers its `ready`.
 */
export function renderPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageSpec): string {
  const nonce = createNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const css = page.styles
    .map((name) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'css', name)))
    .map((href) => `<link rel="stylesheet" href="${href.toString()}">`)
    .join('\n    ');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${page.script}.js`));
  const lang = escapeAttribute(vscode.env.language || 'en');
  return `<!DOCTYPE html>
<html lang="${lang}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${css}
    <title>${escapeHtml(page.title)}</title>
  </head>
  <body>
    <main id="app" aria-busy="true"></main>
    <script nonce="${nonce}" src="${script.toString()}"></script>
  </body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function escapeAttribute(s: string): string {
  return escapeHtml(s);
}
