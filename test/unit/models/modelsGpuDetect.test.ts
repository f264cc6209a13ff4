/** The NVIDIA driver check behind "Enable GPU Acceleration": /proc's version file, else nvidia-smi on PATH. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectNvidiaDriver, findOnPath } from '../../../src/models/gpuDetect';

test('no /proc version file and no nvidia-smi on PATH: no driver', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-gpu-'));
  try {
    assert.equal(await detectNvidiaDriver({ procVersionPath: join(dir, 'absent'), envPath: dir }), undefined);
    assert.equal(findOnPath('nvidia-smi', ''), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the kernel module's version file gives the driver version", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-gpu-'));
  try {
    const proc = join(dir, 'version');
    writeFileSync(proc, 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\nGCC version:  gcc 12\n');
    assert.deepEqual(await detectNvidiaDriver({ procVersionPath: proc, envPath: '' }), { source: '/proc/driver/nvidia/version', version: '535.104.05' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nvidia-smi on PATH is asked for the driver version', { skip: process.platform === 'win32' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-gpu-'));
  try {
    const smi = join(dir, 'nvidia-smi');
    writeFileSync(smi, '#!/bin/sh\n[ "$1" = "--query-gpu=driver_version" ] && echo 550.54.15\n');
    chmodSync(smi, 0o755);
    assert.equal(findOnPath('nvidia-smi', `/nonexistent:${dir}`), smi);
    assert.deepEqual(await detectNvidiaDriver({ procVersionPath: join(dir, 'absent'), envPath: dir }), { source: 'nvidia-smi', version: '550.54.15' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
