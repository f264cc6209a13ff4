/**
 * Devices and decoding strategies are defined once in the engine (runtime/types.ts, tasks/taskTypes.ts):
 * package.json's setting enums list the same values in the same order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_PREFERENCES } from '../../../src/engine/runtime/types';
import { DECODING_STRATEGIES } from '../../../src/engine/tasks/taskTypes';
import { REPO_ROOT } from '../../support/repoRoot';

function settingEnum(key: string): unknown {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum?: unknown }> } } };
  return manifest.contributes.configuration.properties[`transformerExplorer.${key}`]?.enum;
}

test('engine constants: package.json enumerates the engine\'s devices and decoding strategies', () => {
  assert.deepEqual(settingEnum('device'), [...DEVICE_PREFERENCES]);
  assert.deepEqual(settingEnum('generation.strategy'), [...DECODING_STRATEGIES]);
});
