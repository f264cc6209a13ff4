import { readConfig, SettingKey, writeSetting } from '../config';

/**
 * "Toggle Token Boundaries": flips the `tokenBoundaries.enabled` setting (the decorator follows
 * it). Resolves to the new state.
 */
export function toggleTokenBoundariesCommand() {
  return async (): Promise<boolean> => {
    const next = !readConfig().tokenBoundaries.enabled;
    await writeSetting(SettingKey.tokenBoundariesEnabled, next);
    return next;
  };
}
