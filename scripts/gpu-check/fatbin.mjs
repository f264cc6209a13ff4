// The CUDA fat binaries inside an ELF shared library (its `.nv_fatbin` section), read and thinned
// in place: every entry whose architecture is not one we keep has its payload zeroed. The library
// keeps its size, its ELF structure and every fatbin header (the driver still sees the list of
// entries and picks the one for its GPU), and the zeros compress away. Used by assemble.mjs to
// carry onnxruntime's CUDA provider (230 MB, cubins for sm_75…sm_120) as its sm_90 cubins only.
//
// Layout (as cuobjdump and the CUDA runtime read it; little-endian):
//   container header, 16 bytes: u32 magic 0xBA55ED50, u16 version, u16 header size, u64 size of
//     the entries that follow;
//   entry header (header size ≥ 64): u16 kind (1 = PTX, 2 = ELF cubin, 16 = LTO-IR), u16 version,
//     u32 header size, u64 payload size, u32 compressed size, u32 -, u16 minor, u16 major,
//     u32 arch (e.g. 90 for sm_90), u32 name offset, u32 name length, u64 flags, u64 -, u64 size
//     before compression; the payload follows the header.
// Containers follow one another in the section, 8-byte aligned, with zero padding between them.

import { findElfSection } from './elf.mjs';

export const FATBIN_MAGIC = 0xba55ed50;
export const ENTRY_KINDS = { 1: 'ptx', 2: 'elf', 16: 'ltoir' };

/**
 * The entries of every fatbin container in `buf[start, end)`: kind, arch, where the payload lies.
 * Throws on a container or entry that runs past its bounds (a file we do not understand is never
 * half-rewritten).
 */
export function listFatbinEntries(buf, start, end) {
  const entries = [];
  let containers = 0;
  let at = start;
  while (at + 16 <= end) {
    if (buf.readUInt32LE(at) !== FATBIN_MAGIC) {
      at = start + Math.floor((at - start) / 8) * 8 + 8; // padding: the next 8-byte boundary
      continue;
    }
    const headerSize = buf.readUInt16LE(at + 6);
    const fatSize = Number(buf.readBigUInt64LE(at + 8));
    const entriesStart = at + headerSize;
    const entriesEnd = entriesStart + fatSize;
    if (headerSize < 16 || entriesEnd > end) throw new Error(`fatbin container at ${at} runs past its section (${fatSize} bytes)`);
    containers++;
    let e = entriesStart;
    while (e + 64 <= entriesEnd) {
      const kind = buf.readUInt16LE(e);
      const entryHeaderSize = buf.readUInt32LE(e + 4);
      const payloadSize = Number(buf.readBigUInt64LE(e + 8));
      if (kind === 0 && entryHeaderSize === 0) break; // trailing zeros inside the container
      if (entryHeaderSize < 64 || e + entryHeaderSize + payloadSize > entriesEnd) throw new Error(`fatbin entry at ${e} runs past its container`);
      const flags = buf.readBigUInt64LE(e + 40);
      entries.push({
        container: containers - 1,
        headerOffset: e,
        kind: ENTRY_KINDS[kind] ?? `kind${kind}`,
        arch: buf.readUInt32LE(e + 28),
        compressed: (flags & 0x2000n) !== 0n,
        payloadOffset: e + entryHeaderSize,
        payloadSize,
      });
      e += entryHeaderSize + payloadSize;
    }
    at = entriesEnd;
  }
  return { containers, entries };
}

/**
 * Zeroes, in `buf` itself, the payload of every fatbin entry in the ELF's `.nv_fatbin` whose arch
 * is not in `keepArchs`. Returns what it found and did, per arch.
 */
export function keepOnlyArchs(buf, keepArchs) {
  const section = findElfSection(buf, '.nv_fatbin');
  if (section === undefined) throw new Error('the library has no .nv_fatbin section');
  const { containers, entries } = listFatbinEntries(buf, section.offset, section.offset + section.size);
  const keep = new Set(keepArchs);
  const byArch = {};
  let keptBytes = 0;
  let zeroedBytes = 0;
  for (const e of entries) {
    const key = `${e.kind} sm_${e.arch}`;
    byArch[key] ??= { entries: 0, bytes: 0, kept: keep.has(e.arch) };
    byArch[key].entries++;
    byArch[key].bytes += e.payloadSize;
    if (keep.has(e.arch)) keptBytes += e.payloadSize;
    else {
      buf.fill(0, e.payloadOffset, e.payloadOffset + e.payloadSize);
      zeroedBytes += e.payloadSize;
    }
  }
  if (keptBytes === 0) throw new Error(`no fatbin entry for ${keepArchs.map((a) => `sm_${a}`).join(', ')}: the library would have no kernel for that GPU`);
  return { section, containers, entries: entries.length, keptBytes, zeroedBytes, byArch };
}
