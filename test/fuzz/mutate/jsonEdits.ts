/**
 * Edits of a JSON document, kept as data so that a case's recipe is small and replayable: a
 * regression fixture stores the edits, not a 1 MB tokenizer.json. Values JSON.stringify cannot
 * write (NaN-like numbers such as 1e999, duplicate keys, 5,000-deep nesting, megabyte strings) are
 * described and written as raw text.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonPath = Array<string | number>;

/** What an edit writes. */
export type GenValue =
  | { lit: Json }
  /** Spliced as is (`1e999`, `-0`, `"\ud800"`, `tru`). */
  | { raw: string }
  /** A JSON string of `text` repeated `times` times. */
  | { repeat: string; times: number }
  /** A JSON array of `item` repeated `times` times. */
  | { array: Json; times: number }
  /** `open` × depth, then `leaf`, then `close` × depth. */
  | { nest: number; open: string; close: string; leaf: GenValue }
  /** A large string known by name (e.g. a real charsmap), cut to its first `cut` characters when given. */
  | { ref: string; cut?: number };

const refs = new Map<string, () => string>();

/** Names a large string recipes may refer to instead of holding it. */
export function registerRef(name: string, make: () => string): void {
  refs.set(name, make);
}

/** Marks where a literal holds a registered string: `literalEdits` turns it into a `ref` edit. */
export function refMarker(name: string, cut?: number): string {
  return `\u0000ref:${name}:${cut ?? ''}`;
}

export type JsonEdit =
  /** Sets (or adds) the value at `path`; an index equal to an array's length appends. */
  | { op: 'set'; path: JsonPath; value: GenValue }
  | { op: 'delete'; path: JsonPath }
  /** Writes the key at `path` (in an object) a second time, right after it, with `value`. */
  | { op: 'dupKey'; path: JsonPath; value: GenValue }
  | { op: 'rename'; path: JsonPath; to: string };

export function isPlainObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path`, or undefined when the path leads nowhere. */
export function getAt(root: Json, path: JsonPath): Json | undefined {
  let node: Json | undefined = root;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === 'number') node = node[step];
    else if (isPlainObject(node) && typeof step === 'string' && Object.prototype.hasOwnProperty.call(node, step)) node = node[step];
    else return undefined;
  }
  return node;
}

/** Placeholders stand for raw text until the document is written. */
class Splices {
  readonly texts: string[] = [];

  add(text: string): string {
    this.texts.push(text);
    return `\u0000FZ${this.texts.length - 1}\u0000`;
  }

  value(v: GenValue): Json {
    return 'lit' in v ? v.lit : this.add(rawText(v));
  }

  apply(json: string): string {
    if (this.texts.length === 0) return json;
    return json.replace(/"\\u0000FZ(\d+)\\u0000"/g, (_m, n: string) => this.texts[Number(n)]);
  }
}

export function rawText(v: GenValue): string {
  if ('lit' in v) return JSON.stringify(v.lit);
  if ('ref' in v) {
    const make = refs.get(v.ref);
    if (!make) throw new Error(`fuzz: unknown ref ${v.ref}`);
    const text = make();
    return JSON.stringify(v.cut === undefined ? text : text.slice(0, v.cut));
  }
  if ('raw' in v) return v.raw;
  if ('repeat' in v) return JSON.stringify(v.repeat.repeat(Math.max(0, v.times)));
  if ('array' in v) return `[${Array(Math.max(0, v.times)).fill(JSON.stringify(v.array)).join(',')}]`;
  return v.open.repeat(v.nest) + rawText(v.leaf) + v.close.repeat(v.nest);
}

/** A copy of `node` with `change` applied to the child at `path` (copy on write along the path). */
function updateAt(node: Json, path: JsonPath, change: (parent: Json[] | { [key: string]: Json }, last: string | number) => void): Json {
  if (path.length === 0) return node;
  const [step, ...rest] = path;
  if (Array.isArray(node) && typeof step === 'number' && step >= 0 && step <= node.length) {
    const copy = node.slice();
    if (rest.length === 0) change(copy, step);
    else if (step < node.length) copy[step] = updateAt(node[step], rest, change);
    return copy;
  }
  if (isPlainObject(node) && typeof step === 'string') {
    const copy: { [key: string]: Json } = { ...node };
    if (rest.length === 0) change(copy, step);
    else if (Object.prototype.hasOwnProperty.call(node, step)) copy[step] = updateAt(node[step], rest, change);
    return copy;
  }
  return node;
}

/** Rebuilds an object with `insert` placed right after `afterKey` (key order is what the file shows). */
function withKeyAfter(obj: { [key: string]: Json }, afterKey: string, insert: [string, Json]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === afterKey) out[insert[0]] = insert[1];
  }
  return out;
}

function applyOne(root: Json, edit: JsonEdit, splices: Splices): Json {
  if (edit.path.length === 0) return edit.op === 'set' ? splices.value(edit.value) : root;
  const parentPath = edit.path.slice(0, -1);
  const last = edit.path[edit.path.length - 1];
  const parent = getAt(root, parentPath);
  if (parent === undefined) return root;
  switch (edit.op) {
    case 'set':
      return updateAt(root, edit.path, (p, k) => {
        if (Array.isArray(p)) p[k as number] = splices.value(edit.value);
        else p[k as string] = splices.value(edit.value);
      });
    case 'delete':
      return updateAt(root, edit.path, (p, k) => {
        if (Array.isArray(p)) p.splice(k as number, 1);
        else delete p[k as string];
      });
    case 'dupKey':
    case 'rename': {
      if (!isPlainObject(parent) || typeof last !== 'string' || !(last in parent)) return root;
      const key = splices.add(JSON.stringify(edit.op === 'rename' ? edit.to : last));
      const value = edit.op === 'rename' ? parent[last] : splices.value(edit.value);
      const rebuilt = withKeyAfter(parent, last, [key, value]);
      if (edit.op === 'rename') delete rebuilt[last];
      return parentPath.length === 0 ? rebuilt : setAt(root, parentPath, rebuilt);
    }
  }
}

/** A copy of root with the value at `path` replaced. */
function setAt(root: Json, path: JsonPath, value: Json): Json {
  return updateAt(root, path, (p, k) => {
    if (Array.isArray(p)) p[k as number] = value;
    else p[k as string] = value;
  });
}

/** The JSON text of `root` after `edits` (edits whose path leads nowhere are skipped). */
export function writeEdited(root: Json, edits: readonly JsonEdit[], indent?: number): string {
  const splices = new Splices();
  let doc = root;
  for (const edit of edits) doc = applyOne(doc, edit, splices);
  return splices.apply(JSON.stringify(doc, null, indent));
}

/** Edits that set `value` at `path`, its ref markers (see refMarker) written as `ref` values. */
export function literalEdits(path: JsonPath, value: Json): JsonEdit[] {
  const found: JsonEdit[] = [];
  const walk = (v: Json, at: JsonPath): Json => {
    if (typeof v === 'string' && v.startsWith('\u0000ref:')) {
      const [, name, cut] = v.split(':');
      found.push({ op: 'set', path: at, value: cut === '' ? { ref: name } : { ref: name, cut: Number(cut) } });
      return '';
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...at, i]));
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...at, k])]));
    return v;
  };
  return [{ op: 'set', path, value: { lit: walk(value, path) } }, ...found];
}
