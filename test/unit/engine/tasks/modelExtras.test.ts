/** perModel / releaseModelExtras: one opening per model shared by concurrent calls, freed once, a failed opening retried. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perModel, releaseModelExtras } from '../../../../src/engine/tasks/modelExtras';
import type { LoadedModel } from '../../../../src/engine/tasks/openModel';

const fakeModel = (label: string): LoadedModel => ({ label }) as unknown as LoadedModel;

test('perModel: concurrent first calls share one opening; each model has its own value', async () => {
  let opened = 0;
  const table = perModel<{ n: number }>(() => undefined);
  const open = async (): Promise<{ n: number }> => ({ n: ++opened });
  const a = fakeModel('a');
  const b = fakeModel('b');
  const [x, y] = await Promise.all([table.get(a, open), table.get(a, open)]);
  assert.equal(x, y);
  assert.equal(opened, 1);
  assert.equal(await table.get(a, open), x, 'kept');
  const z = await table.get(b, open);
  assert.notEqual(z, x);
  assert.equal(opened, 2);
  await table.release(a);
  await table.release(b);
});

test('perModel: release frees the value once and forgets it; the next get opens again', async () => {
  const freed: Array<[string, string]> = [];
  const table = perModel<string>((value, model) => void freed.push([value, model.label]));
  const m = fakeModel('m');
  await table.get(m, async () => 'first');
  await table.release(m);
  await table.release(m);
  assert.deepEqual(freed, [['first', 'm']], 'freed once');
  assert.equal(await table.get(m, async () => 'second'), 'second', 'opened again after release');
  await releaseModelExtras(m);
  await releaseModelExtras(m);
  assert.deepEqual(freed, [['first', 'm'], ['second', 'm']], 'releaseModelExtras frees every table\'s value, once');
  await table.release(fakeModel('never opened'));
  assert.equal(freed.length, 2, 'nothing to free');
});

test('perModel: a failed opening is forgotten (the next call retries) and never freed', async () => {
  const freed: string[] = [];
  const table = perModel<string>((value) => void freed.push(value));
  const m = fakeModel('m');
  let attempts = 0;
  const flaky = async (): Promise<string> => {
    attempts++;
    if (attempts === 1) throw new Error('could not open');
    return `opened on attempt ${attempts}`;
  };
  const [p1, p2] = [table.get(m, flaky), table.get(m, flaky)];
  await assert.rejects(p1, /could not open/);
  await assert.rejects(p2, /could not open/, 'the concurrent call shared the failed opening');
  assert.equal(await table.get(m, flaky), 'opened on attempt 2', 'retried');
  assert.equal(attempts, 2);
  await table.release(m);
  assert.deepEqual(freed, ['opened on attempt 2']);

  const pending = table.get(m, async () => {
    throw new Error('fails while released');
  });
  await table.release(m);
  await assert.rejects(pending);
  assert.deepEqual(freed, ['opened on attempt 2'], 'a release during a failing opening frees nothing');
});

test('perModel: a release while the value is still opening waits for it and frees it', async () => {
  const freed: string[] = [];
  const table = perModel<string>((value) => void freed.push(value));
  const m = fakeModel('m');
  let finish: (v: string) => void = () => undefined;
  const got = table.get(m, () => new Promise<string>((resolve) => (finish = resolve)));
  const released = table.release(m);
  finish('late');
  await released;
  assert.equal(await got, 'late');
  assert.deepEqual(freed, ['late']);
  assert.equal(await table.get(m, async () => 'fresh'), 'fresh', 'forgotten');
  await table.release(m);
});
