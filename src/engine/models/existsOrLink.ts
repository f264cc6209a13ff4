import { lstatSync } from 'node:fs';

/** True when `path` names something, a broken or looping link included (which `existsSync` calls absent). */
export function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
