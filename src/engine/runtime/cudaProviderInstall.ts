/**
 * "Enable GPU acceleration", the plain-Node part: installs the CUDA execution provider of
 * onnxruntime-node the way its own installer does (script/install.js, install-metadata.js), for
 * the exact onnxruntime-node version installed. `Microsoft.ML.OnnxRuntime.Gpu.Linux/<version>` is
 * fetched from the NuGet feed and verified against its catalog SHA-512 (nugetFeed.ts), and
 * `runtimes/linux-x64/native/libonnxruntime_providers_{shared,cuda}.so` (TensorRT on request) are
 * extracted next to `libonnxruntime.so.1` — onnxruntime loads providers from the folder of that
 * library. Each file is written under a temporary name and renamed into place, the CUDA library
 * last (its presence is what the runtime checks), then a marker records the version and hash.
 * Sessions created after that (a restarted model host) try CUDA. No vscode here.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { acquireBlobLock } from '../models/hub/blobLock';
import { CudaProviderError, diskError } from './cudaProviderErrors';
import { downloadNugetPackage, nugetIndexUrl, resolveNugetPackage, type NugetPackage } from './nugetFeed';
import { extractZipEntry, listZipEntries } from './zipEntries';

export const CUDA_PROVIDER_PACKAGE = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';
/** In load order: the shared bridge, then the CUDA provider (the file the runtime looks for). */
export const CUDA_PROVIDER_FILES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'] as const;
export const TENSORRT_PROVIDER_FILE = 'libonnxruntime_providers_tensorrt.so';
const PATH_IN_PACKAGE = 'runtimes/linux-x64/native/';
/** Written last, next to the libraries: which package version and hash they came from. */
export const CUDA_PROVIDER_MARKER = 'transformer-explorer-cuda-provider.json';

/** The onnxruntime-node the model host loads: its version and the folder of its native binding. */
export interface OnnxRuntimeInstall {
  version: string;
  binaryDir: string;
  /**
   * Set for a copy to be made in a folder of our own (the extension's storage, which is writable
   * where the extension's own folder may not be): the onnxruntime-node package folder it copies.
   */
  copyOf?: string;
}

/**
 * The copy of onnxruntime-node under `root` (the extension's storage): `<root>/onnxruntime-<version>/
 * node_modules/onnxruntime-node`, with onnxruntime-common beside it. The model host loads it
 * (TREX_ONNXRUNTIME_PATH) once the CUDA provider is installed into its binary folder.
 */
export function storageRuntime(root: string, source: OnnxRuntimeInstall = onnxRuntimeInstall()): OnnxRuntimeInstall & { packageDir: string } {
  const packageDir = join(root, `onnxruntime-${source.version}`, 'node_modules', 'onnxruntime-node');
  const [platform, arch] = source.binaryDir.split(/[\\/]/).slice(-2);
  return { version: source.version, binaryDir: join(packageDir, 'bin', 'napi-v6', platform, arch), copyOf: dirname(dirname(dirname(dirname(source.binaryDir)))), packageDir };
}

/** The package folder of the copy in `root` when its CUDA provider is installed and complete, else undefined. */
export function gpuRuntimeIn(root: string, source?: OnnxRuntimeInstall): string | undefined {
  const copy = storageRuntime(root, source);
  return installedCudaProvider(copy.binaryDir) ? copy.packageDir : undefined;
}

/** The folder of package `name` as Node would find it from `from` (its `exports` may hide package.json from require.resolve). */
function packageFolder(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new CudaProviderError('protocol', `${name} was not found next to ${from}`);
  }
}

/**
 * Copies onnxruntime-node (its JavaScript and this platform's binaries) and onnxruntime-common into
 * the copy's folder, once per version: a model host may have the copy's libraries loaded, so an
 * existing copy is never overwritten in place.
 */
function copyRuntime(runtime: OnnxRuntimeInstall): void {
  if (!runtime.copyOf) return;
  const source = runtime.copyOf;
  const packageDir = dirname(dirname(dirname(dirname(runtime.binaryDir))));
  if (existsSync(join(packageDir, 'package.json'))) return;
  const common = packageFolder('onnxruntime-common', source);
  const commonDir = join(dirname(packageDir), 'onnxruntime-common');
  for (const part of ['package.json', 'dist']) cpSync(join(common, part), join(commonDir, part), { recursive: true });
  for (const part of ['dist', relative(packageDir, runtime.binaryDir)]) cpSync(join(source, part), join(packageDir, part), { recursive: true });
  // Last: its presence says the copy is complete.
  cpSync(join(source, 'package.json'), join(packageDir, 'package.json'));
}

/**
 * Where onnxruntime-node resolves from this file (the bundled extension and model
 * host keep it external, so both resolve the same node_modules), without loading its binding.
 */
export function onnxRuntimeInstall(platform: string = process.platform, arch: string = process.arch): OnnxRuntimeInstall {
  const packageJson = require.resolve('onnxruntime-node/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  return { version, binaryDir: join(dirname(packageJson), 'bin', 'napi-v6', platform, arch) };
}

export interface InstalledCudaProvider {
  /** The Gpu.Linux package version the libraries came from. */
  version: string;
  sha512: string;
  binaryDir: string;
  files: string[];
}

/** What the marker in `binaryDir` says is installed, if its libraries are all there. */
export function installedCudaProvider(binaryDir: string): InstalledCudaProvider | undefined {
  try {
    const marker = JSON.parse(readFileSync(join(binaryDir, CUDA_PROVIDER_MARKER), 'utf8')) as Partial<InstalledCudaProvider>;
    if (typeof marker.version !== 'string' || typeof marker.sha512 !== 'string' || !Array.isArray(marker.files)) return undefined;
    const files = marker.files.filter((f): f is string => typeof f === 'string');
    if (!CUDA_PROVIDER_FILES.every((f) => files.includes(f)) || !files.every((f) => existsSync(join(binaryDir, f)))) return undefined;
    return { version: marker.version, sha512: marker.sha512, binaryDir, files };
  } catch {
    return undefined;
  }
}

export interface CudaProviderOptions {
  /** NuGet v3 service index (default: TREX_NUGET_INDEX, else nuget.org). */
  indexUrl?: string;
  /** onnxruntime-node whose provider to install (default: the one this process resolves). */
  runtime?: OnnxRuntimeInstall;
  /**
   * Install into a copy of onnxruntime-node under this folder (the extension's storage) instead of
   * next to the onnxruntime-node this process resolves (see storageRuntime).
   */
  runtimeRoot?: string;
  /** Where the .nupkg is downloaded and resumed (default: a folder in the OS temp dir). */
  downloadDir?: string;
  /** Also install the TensorRT provider library (onnxruntime-node's installer does; we do not need it). */
  tensorrt?: boolean;
  /** The platform checked (default: this process's); the provider exists for linux-x64 only. */
  platform?: string;
  arch?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The package to install and whether that exact version is already installed. */
export interface CudaProviderPlan {
  runtime: OnnxRuntimeInstall;
  package: NugetPackage;
  installed: InstalledCudaProvider | undefined;
  /** True when the installed libraries come from this very package (same version and hash). */
  upToDate: boolean;
}

export function checkPlatform(platform: string = process.platform, arch: string = process.arch): void {
  if (platform !== 'linux' || arch !== 'x64') {
    throw new CudaProviderError('unsupported-platform', `GPU acceleration can be enabled on Linux x64 only (this is ${platform}-${arch}): onnxruntime-node ships its CUDA provider for that platform alone.`);
  }
}

/** Checks the platform and finds the provider package matching the installed onnxruntime-node. */
export async function planCudaProvider(options: CudaProviderOptions = {}): Promise<CudaProviderPlan> {
  checkPlatform(options.platform, options.arch);
  const resolved = options.runtime ?? onnxRuntimeInstall(options.platform, options.arch);
  const runtime = options.runtimeRoot ? storageRuntime(options.runtimeRoot, resolved) : resolved;
  const pkg = await resolveNugetPackage(options.indexUrl ?? nugetIndexUrl(), CUDA_PROVIDER_PACKAGE, runtime.version, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const installed = installedCudaProvider(runtime.binaryDir);
  return { runtime, package: pkg, installed, upToDate: installed?.version === pkg.version && installed.sha512 === pkg.sha512 };
}

export type InstallStage = 'downloading' | 'extracting';

export interface InstallProgress {
  stage: InstallStage;
  /** Bytes of the package downloaded (resumed bytes included) or of the libraries extracted. */
  done: number;
  total?: number;
}

type InstallOptions = CudaProviderOptions & { onProgress?: (p: InstallProgress) => void };

/**
 * Downloads, verifies and installs the planned package; the download is deleted once installed.
 * One install at a time per download folder (two windows, or a window and the CLI), by a lock file.
 */
export async function installCudaProvider(plan: CudaProviderPlan, options: InstallOptions = {}): Promise<InstalledCudaProvider> {
  checkPlatform(options.platform, options.arch);
  const downloadDir = options.downloadDir ?? join(tmpdir(), 'transformer-explorer-nuget');
  const nupkg = join(downloadDir, `${plan.package.id.toLowerCase()}.${plan.package.version.toLowerCase()}.nupkg`);
  try {
    mkdirSync(downloadDir, { recursive: true });
  } catch (e) {
    throw diskError(e, `the download folder ${downloadDir}`);
  }
  const lock = await acquireBlobLock(`${nupkg}.lock`, plan.package.id, options.signal).catch((e: unknown) => {
    throw options.signal?.aborted ? new CudaProviderError('cancelled', 'Enabling GPU acceleration was cancelled.') : diskError(e, `${nupkg}.lock`);
  });
  try {
    return await downloadAndInstall(plan, nupkg, options);
  } finally {
    lock.release();
  }
}

async function downloadAndInstall(plan: CudaProviderPlan, nupkg: string, options: InstallOptions): Promise<InstalledCudaProvider> {
  const { signal, onProgress } = options;
  const pkg = plan.package;
  // Another process may have installed it while we waited for the lock.
  const already = installedCudaProvider(plan.runtime.binaryDir);
  if (already?.version === pkg.version && already.sha512 === pkg.sha512 && (!options.tensorrt || already.files.includes(TENSORRT_PROVIDER_FILE))) return already;
  await downloadNugetPackage(pkg, nupkg, {
    ...(signal ? { signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onProgress: (p) => onProgress?.({ stage: 'downloading', done: p.received, ...(p.total === undefined ? {} : { total: p.total }) }),
  });

  const entries = listZipEntries(nupkg);
  const names = [...CUDA_PROVIDER_FILES, ...(options.tensorrt ? [TENSORRT_PROVIDER_FILE] : [])];
  const wanted = names.map((name) => {
    const entry = entries.get(PATH_IN_PACKAGE + name);
    if (!entry) throw new CudaProviderError('protocol', `${pkg.id} ${pkg.version} has no ${PATH_IN_PACKAGE + name}.`);
    return { name, entry };
  });
  const total = wanted.reduce((sum, w) => sum + w.entry.size, 0);
  const { binaryDir } = plan.runtime;
  const temporary = (name: string): string => join(binaryDir, `.${name}.tmp-${process.pid}`);
  try {
    mkdirSync(binaryDir, { recursive: true });
    copyRuntime(plan.runtime);
    let done = 0;
    onProgress?.({ stage: 'extracting', done, total });
    for (const { name, entry } of wanted) {
      await extractZipEntry(nupkg, entry, temporary(name), signal).catch((e: unknown) => {
        throw diskError(e, `${name} into ${binaryDir}`);
      });
      done += entry.size;
      onProgress?.({ stage: 'extracting', done, total });
    }
    if (signal?.aborted) throw new CudaProviderError('cancelled', 'Enabling GPU acceleration was cancelled.');
    // Renames cannot fail half-way for lack of space; a library already mapped by a running host keeps its old inode.
    rmSync(join(binaryDir, CUDA_PROVIDER_MARKER), { force: true });
    for (const { name } of wanted) renameSync(temporary(name), join(binaryDir, name));
    const installed: InstalledCudaProvider = { version: pkg.version, sha512: pkg.sha512, binaryDir, files: names };
    writeFileSync(join(binaryDir, CUDA_PROVIDER_MARKER), `${JSON.stringify({ ...installed, package: pkg.id, source: pkg.url }, null, 1)}\n`);
    rmSync(nupkg, { force: true });
    return installed;
  } catch (e) {
    throw diskError(e, `the CUDA provider into ${binaryDir}`);
  } finally {
    for (const { name } of wanted) {
      try {
        rmSync(temporary(name), { force: true });
      } catch {
        // the folder itself is not writable or not a folder: nothing was written there
      }
    }
  }
}

export type EnableGpuOutcome =
  | { outcome: 'no-driver' }
  | { outcome: 'up-to-date'; installed: InstalledCudaProvider }
  | { outcome: 'declined'; plan: CudaProviderPlan }
  | { outcome: 'installed'; installed: InstalledCudaProvider; plan: CudaProviderPlan };

export interface EnableGpuSteps<Driver> {
  /** The NVIDIA driver, if any (src/models/gpuDetect.ts on the extension side). */
  detectDriver: () => Promise<Driver | undefined>;
  /** Asked once the package (and its size) is known; false leaves everything as it was. */
  confirm: (plan: CudaProviderPlan, driver: Driver) => Promise<boolean>;
  /** Called after a successful install, so that the next model load tries CUDA (restart the model host). */
  restartModelHost?: () => Promise<void> | void;
  onProgress?: (p: InstallProgress) => void;
}

/**
 * The whole command without its UI: no NVIDIA driver → says so and changes nothing (no network
 * either); otherwise resolves the package, asks, installs, and restarts the model host.
 * Failures throw CudaProviderError (kind `cancelled` when the signal fired).
 */
export async function enableCudaProvider<Driver>(steps: EnableGpuSteps<Driver>, options: CudaProviderOptions = {}): Promise<EnableGpuOutcome> {
  const driver = await steps.detectDriver();
  if (driver === undefined) return { outcome: 'no-driver' };
  const plan = await planCudaProvider(options);
  if (plan.upToDate && plan.installed) return { outcome: 'up-to-date', installed: plan.installed };
  if (!(await steps.confirm(plan, driver))) return { outcome: 'declined', plan };
  const installed = await installCudaProvider(plan, { ...options, ...(steps.onProgress ? { onProgress: steps.onProgress } : {}) });
  await steps.restartModelHost?.();
  return { outcome: 'installed', installed, plan };
}
