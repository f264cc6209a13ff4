/**
 * The model host's options, given when it starts, as command-line flags: the client writes them
 * (`hostArgs`), the host reads them (`parseHostArgs`), so both sides spell them alike.
 *
 *   hostArgs({ cacheDir: '/c', limits: { maxModels: 3 } })  → ['--cache-dir=/c', '--max-models=3']
 *
 * The limits can change later without a restart (`host/configure`); the rest holds for the
 * process's life. `--test-module=/abs/path.js` is a test hook only: see backends.ts.
 */
import type { ModelLimits } from './protocol';

export interface HostOptions {
  /** The inference backend (`--backend=NAME`, else TREX_MODEL_BACKEND, else `onnx`). */
  backend?: string;
  /** Base folder of the host's caches (`--cache-dir=`; built graphs go in `<cacheDir>/graphs`). */
  cacheDir?: string;
  /** Bounds of the loaded-model cache (`--max-models=`, `--max-bytes=`). */
  limits?: Partial<ModelLimits>;
  /** Tests only: a module supplying a backend and test-only methods (`--test-module=`, absolute path). */
  testModule?: string;
}

const FLAGS = { backend: '--backend=', cacheDir: '--cache-dir=', maxModels: '--max-models=', maxBytes: '--max-bytes=', testModule: '--test-module=' } as const;

/** The command-line flags that give `options` to a host. */
export function hostArgs(options: HostOptions): string[] {
  const { backend, cacheDir, limits = {}, testModule } = options;
  return [
    ...(backend ? [FLAGS.backend + backend] : []),
    ...(cacheDir ? [FLAGS.cacheDir + cacheDir] : []),
    ...(limits.maxModels === undefined ? [] : [FLAGS.maxModels + String(limits.maxModels)]),
    ...(limits.maxBytes === undefined ? [] : [FLAGS.maxBytes + String(limits.maxBytes)]),
    ...(testModule ? [FLAGS.testModule + testModule] : []),
  ];
}

/** A limit flag's value: a number ≥ 1 (`Infinity` allowed), else undefined (the default holds). */
function limitValue(raw: string | undefined): number | undefined {
  const n = raw === undefined ? Number.NaN : Number(raw);
  return n >= 1 ? n : undefined;
}

/** The options of a host started with `argv` (flags as `hostArgs` writes them) in `env`. */
export function parseHostArgs(argv: readonly string[], env: NodeJS.ProcessEnv): HostOptions & { backend: string } {
  const flag = (name: string): string | undefined => argv.find((a) => a.startsWith(name))?.slice(name.length) || undefined;
  const maxModels = limitValue(flag(FLAGS.maxModels));
  const maxBytes = limitValue(flag(FLAGS.maxBytes));
  const cacheDir = flag(FLAGS.cacheDir);
  const testModule = flag(FLAGS.testModule);
  return {
    backend: flag(FLAGS.backend) ?? (env['TREX_MODEL_BACKEND'] || 'onnx'),
    ...(cacheDir ? { cacheDir } : {}),
    limits: { ...(maxModels === undefined ? {} : { maxModels: Math.floor(maxModels) }), ...(maxBytes === undefined ? {} : { maxBytes }) },
    ...(testModule ? { testModule } : {}),
  };
}
