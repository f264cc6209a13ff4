import { randomBytes } from 'node:crypto';

/** A fresh nonce for a webview's Content-Security-Policy (one per HTML document). */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}
