// Reading a 64-bit little-endian ELF file in a Buffer: its section headers, a section by name,
// a symbol's bytes. Enough for fatbin.mjs (the .nv_fatbin section) and for assemble.mjs (the ICU
// data that Node embeds as the symbol icudt<N>_dat).

function sectionHeaders(buf) {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error('not a 64-bit little-endian ELF file');
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const headers = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (at + 64 > buf.length) throw new Error(`section header ${i} lies past the end of the file`);
    headers.push({
      nameOffset: buf.readUInt32LE(at), type: buf.readUInt32LE(at + 4), addr: Number(buf.readBigUInt64LE(at + 16)),
      offset: Number(buf.readBigUInt64LE(at + 24)), size: Number(buf.readBigUInt64LE(at + 32)), link: buf.readUInt32LE(at + 40),
      entsize: Number(buf.readBigUInt64LE(at + 56)),
    });
  }
  const strtab = headers[buf.readUInt16LE(0x3e)];
  for (const h of headers) h.name = strtab ? cString(buf, strtab.offset + h.nameOffset) : '';
  return headers;
}

function cString(buf, start) {
  return buf.toString('latin1', start, buf.indexOf(0, start));
}

/** The file offset and size of the named section of a 64-bit little-endian ELF file, or undefined. */
export function findElfSection(buf, name) {
  const h = sectionHeaders(buf).find((s) => s.name === name);
  if (h === undefined) return undefined;
  if (h.type === 8) return { offset: h.offset, size: 0 }; // SHT_NOBITS: nothing in the file
  if (h.offset + h.size > buf.length) throw new Error(`section ${name} lies past the end of the file`);
  return { offset: h.offset, size: h.size };
}

/** The file offset and size of the first symbol whose name matches `pattern` (from .symtab), or undefined. */
export function findElfSymbol(buf, pattern) {
  const headers = sectionHeaders(buf);
  const symtab = headers.find((h) => h.type === 2); // SHT_SYMTAB (a stripped file has none)
  if (symtab === undefined) return undefined;
  const strtab = headers[symtab.link];
  for (let at = symtab.offset; at + 24 <= symtab.offset + symtab.size; at += symtab.entsize || 24) {
    const name = cString(buf, strtab.offset + buf.readUInt32LE(at));
    if (!pattern.test(name)) continue;
    const section = headers[buf.readUInt16LE(at + 6)];
    if (section === undefined || section.type === 8) return undefined;
    const value = Number(buf.readBigUInt64LE(at + 8));
    const size = Number(buf.readBigUInt64LE(at + 16));
    const offset = value - section.addr + section.offset;
    if (offset < section.offset || offset + size > section.offset + section.size) throw new Error(`symbol ${name} lies outside its section`);
    return { name, offset, size };
  }
  return undefined;
}
