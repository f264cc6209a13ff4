/** Random structure-aware edits of any JSON document: type changes, edge values, deleted and duplicated keys, deep nesting, huge strings. */
import type { Rng } from '../prng';
import { getAt, isPlainObject, type GenValue, type Json, type JsonEdit, type JsonPath } from './jsonEdits';

const keysMemo = new WeakMap<object, string[]>();

function keysOf(obj: { [key: string]: Json }): string[] {
  let keys = keysMemo.get(obj);
  if (!keys) {
    keys = Object.keys(obj);
    keysMemo.set(obj, keys);
  }
  return keys;
}

/** A random key of an object (keys listed once per object, so 50,000-key vocabularies stay cheap). */
export function randomKey(rng: Rng, obj: { [key: string]: Json }): string | undefined {
  const keys = keysOf(obj);
  return keys.length ? keys[rng.int(keys.length)] : undefined;
}

function childSteps(node: Json): Array<string | number> | undefined {
  if (Array.isArray(node)) return node.length > 0 ? [node.length] : undefined;
  if (isPlainObject(node)) return keysOf(node).length > 0 ? keysOf(node) : undefined;
  return undefined;
}

/** A path from `start` down through random children, stopping at each level with probability `stop`. */
export function randomPath(rng: Rng, root: Json, start: JsonPath = [], stop = 0.3): JsonPath {
  const path = [...start];
  let node = getAt(root, path);
  for (let depth = 0; node !== undefined && depth < 12; depth++) {
    const steps = childSteps(node);
    if (!steps || (depth > 0 && rng.chance(stop))) break;
    const step = Array.isArray(node) ? rng.int(node.length) : rng.pick(steps as string[]);
    path.push(step);
    node = getAt(node, [step]);
  }
  return path;
}

/** Numbers at the edges: zero, negatives, 2^31, 2^53 + 1, 1e308, fractions, and raw ones JSON cannot hold. */
export function edgeNumber(rng: Rng, near?: number): GenValue {
  const n = near ?? 1;
  return rng.pick<GenValue>([
    { lit: 0 }, { lit: -1 }, { lit: 1 }, { lit: n + 1 }, { lit: n - 1 }, { lit: n * 2 }, { lit: Math.floor(n / 2) }, { lit: -n },
    { lit: 2 ** 31 }, { lit: 2 ** 32 + 1 }, { lit: 2 ** 53 }, { raw: '9007199254740993' }, { lit: 1e308 }, { raw: '1e999' }, { raw: '-1e999' },
    { lit: 1.5 }, { lit: n + 0.5 }, { raw: '-0' }, { lit: 5e-324 }, { raw: '1E400' }, { lit: 65536 }, { lit: 255 }, { lit: 256 },
  ]);
}

/** Strings that trip parsers and printers: empty, NaN-ish, control characters, lone surrogates, very long. */
export function edgeString(rng: Rng, allowHuge = true): GenValue {
  if (allowHuge && rng.chance(0.04)) return { repeat: rng.pick(['a', 'é', '😀', ' ', '\n', '(']), times: rng.pick([100_000, 1_000_000, 3_000_000]) };
  return rng.pick<GenValue>([
    { lit: '' }, { lit: ' ' }, { lit: 'NaN' }, { lit: 'Infinity' }, { lit: '-1' }, { lit: '1e999' }, { lit: 'null' }, { lit: 'true' },
    { lit: '\u0000' }, { lit: 'a\nb\r\nc' }, { raw: '"\\ud800"' }, { raw: '"\\udfff\\ud800"' }, { lit: '\u2028\u2029' }, { lit: '😀' },
    { lit: '\u0301' }, { lit: '[UNK]' }, { lit: '<unk>' }, { lit: '##' }, { lit: 'Ġ' }, { lit: '▁' }, { lit: '__proto__' }, { lit: 'constructor' },
    { repeat: 'x', times: 1000 }, { repeat: 'ab ', times: 700 }, { lit: '\x1b[31mred\x1b[0m' }, { lit: '%s%n%d' },
  ]);
}

/** Deep nesting (5,000 levels by default) of arrays or objects. */
export function deepNest(rng: Rng, depth = 5000): GenValue {
  return rng.chance(0.5)
    ? { nest: depth, open: '[', close: ']', leaf: { lit: 1 } }
    : { nest: depth, open: '{"a":', close: '}', leaf: { lit: null } };
}

/** A value of another type than `current`, or an edge value of the same type. */
export function interestingValue(rng: Rng, current: Json | undefined): GenValue {
  if (rng.chance(0.015)) return deepNest(rng);
  if (rng.chance(0.02)) return { array: rng.pick<Json>([0, null, 'a', [], {}]), times: rng.pick([1000, 100_000]) };
  const sameType = rng.chance(0.5);
  if (sameType && typeof current === 'number') return edgeNumber(rng, current);
  if (sameType && typeof current === 'string') return edgeString(rng);
  if (sameType && Array.isArray(current)) {
    return rng.pick<GenValue>([{ lit: [] }, { lit: [null] }, { lit: current.slice(0, 1) }, { lit: [current] }, { lit: [...current, ...current] }, { lit: current.slice().reverse() }]);
  }
  if (sameType && isPlainObject(current)) return rng.pick<GenValue>([{ lit: {} }, { lit: { type: null } }, { lit: { [rng.pick(Object.keys(current).concat('x'))]: null } }]);
  return rng.pick<GenValue>([
    { lit: null }, { lit: true }, { lit: false }, { lit: 0 }, { lit: -1 }, { lit: '' }, { lit: [] }, { lit: {} },
    { lit: current === undefined ? 'x' : [current] }, { lit: current === undefined ? 1 : { value: current } },
    { lit: typeof current === 'number' ? String(current) : typeof current === 'string' ? Number(current) || 7 : 'x' },
    edgeNumber(rng), edgeString(rng),
  ]);
}

/** One random edit somewhere below `start`. */
export function randomJsonEdit(rng: Rng, root: Json, start: JsonPath = []): JsonEdit {
  const path = randomPath(rng, root, start);
  const current = getAt(root, path);
  const last = path[path.length - 1];
  const parent = getAt(root, path.slice(0, -1));
  const inObject = typeof last === 'string' && isPlainObject(parent);
  const op = rng.weighted([['set', 60], ['delete', 15], ['dupKey', inObject ? 10 : 0], ['rename', inObject ? 4 : 0], ['add', 8]] as const);
  if (path.length === 0 || op === 'set') return { op: 'set', path, value: interestingValue(rng, current) };
  if (op === 'delete') return { op: 'delete', path };
  if (op === 'dupKey') return { op: 'dupKey', path, value: rng.chance(0.5) ? { lit: current ?? null } : interestingValue(rng, current) };
  if (op === 'rename') return { op: 'rename', path, to: rng.pick(['', 'type ', 'Type', 'vocab', '__proto__', 'a\nb', '😀', 'model', 'x'.repeat(700)]) };
  // add: a new key (or array item) next to the chosen one
  const container = isPlainObject(current) || Array.isArray(current) ? path : path.slice(0, -1);
  const node = getAt(root, container);
  const step = Array.isArray(node) ? node.length : rng.pick(['type', 'vocab', 'x', '', '__proto__', 'id', 'content', 'pattern']);
  return { op: 'set', path: [...container, step], value: interestingValue(rng, undefined) };
}
