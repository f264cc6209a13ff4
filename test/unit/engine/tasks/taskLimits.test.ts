/**
 * One set of limits for the prediction tasks (src/engine/tasks/limits.ts), used alike by the CLI,
 * the model host, the extension's settings reading and package.json's bounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inRange, rangeText, TASK_LIMITS } from '../../../../src/engine/tasks/limits';
import { checkGenerateOptions } from '../../../../src/host/params';
import { HostRequestError } from '../../../../src/host/protocol';
import { DEFAULT_GENERATION, mergeGenerateOptions } from '../../../../src/models/generationOptions';
import { REPO_ROOT } from '../../../support/repoRoot';

interface SettingSchema {
  minimum?: number;
  maximum?: number;
}

function setting(key: string): SettingSchema {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, SettingSchema> } } };
  const schema = manifest.contributes.configuration.properties[`transformerExplorer.${key}`];
  assert.ok(schema, key);
  return schema;
}

const refused = (f: () => unknown, field: RegExp): void =>
  assert.throws(f, (e: unknown) => e instanceof HostRequestError && e.code === 'invalidParams' && field.test(e.message));

test('limits: inRange and rangeText', () => {
  assert.ok(inRange(16, TASK_LIMITS.numBeams));
  assert.ok(!inRange(17, TASK_LIMITS.numBeams));
  assert.ok(!inRange(Number.NaN, TASK_LIMITS.numBeams));
  assert.ok(!inRange(2.5, TASK_LIMITS.maxNewTokens));
  assert.ok(!inRange('3', TASK_LIMITS.maxNewTokens));
  assert.equal(rangeText(TASK_LIMITS.numBeams), 'a whole number from 1 to 16');
});

test('limits: package.json bounds the generation settings as the engine does', () => {
  for (const key of ['maxNewTokens', 'numBeams', 'topK', 'seed'] as const) {
    const schema = setting(`generation.${key}`);
    assert.deepEqual([schema.minimum, schema.maximum], [TASK_LIMITS[key].min, TASK_LIMITS[key].max], `generation.${key}`);
  }
  assert.equal(setting('learnBpe.merges').maximum, TASK_LIMITS.merges.max);
});

test('limits: the model host refuses what is beyond them, and takes the bound itself', () => {
  const base = { strategy: 'beam', maxNewTokens: 3 };
  assert.equal(checkGenerateOptions({ ...base, numBeams: TASK_LIMITS.numBeams.max }).numBeams, TASK_LIMITS.numBeams.max);
  refused(() => checkGenerateOptions({ ...base, numBeams: TASK_LIMITS.numBeams.max + 1 }), /numBeams/);
  refused(() => checkGenerateOptions({ ...base, maxNewTokens: TASK_LIMITS.maxNewTokens.max + 1 }), /maxNewTokens/);
  refused(() => checkGenerateOptions({ ...base, strategy: 'sample', topK: TASK_LIMITS.topK.max + 1 }), /topK/);
  refused(() => checkGenerateOptions({ ...base, showTopK: TASK_LIMITS.showTopK.max + 1 }), /showTopK/);
  refused(() => checkGenerateOptions({ ...base, stop: Array(TASK_LIMITS.stopSequences.max + 1).fill('.') }), /stop/);
  refused(() => checkGenerateOptions({ ...base, stop: ['x'.repeat(TASK_LIMITS.stopChars.max + 1)] }), /stop/);
});

test('limits: settings and panel knobs beyond them fall back to the value below (never reach the host)', () => {
  const merged = mergeGenerateOptions(DEFAULT_GENERATION, { numBeams: 1000, maxNewTokens: 1e9, topK: 5000, seed: -1, showTopK: Number.NaN });
  assert.equal(merged.numBeams, DEFAULT_GENERATION.numBeams);
  assert.equal(merged.maxNewTokens, DEFAULT_GENERATION.maxNewTokens);
  assert.equal(merged.topK, DEFAULT_GENERATION.topK);
  assert.equal(merged.seed, DEFAULT_GENERATION.seed);
  assert.equal(merged.showTopK, DEFAULT_GENERATION.showTopK);
  assert.equal(mergeGenerateOptions(DEFAULT_GENERATION, { numBeams: 16 }).numBeams, 16);
  const stop = mergeGenerateOptions(DEFAULT_GENERATION, { stop: [...Array(40).fill('.'), 'x'.repeat(1000)] }).stop ?? [];
  assert.equal(stop.length, TASK_LIMITS.stopSequences.max);
  // What the extension sends passes the host's checks.
  assert.doesNotThrow(() => checkGenerateOptions({ ...mergeGenerateOptions(DEFAULT_GENERATION, { numBeams: 16, maxNewTokens: 2048, stop: Array(40).fill('.') }) }));
});
