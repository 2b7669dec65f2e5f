#!/usr/bin/env python3
"""Marks one symbol-version requirement of an ELF64 little-endian shared library weak, in place.

usage: weak-version.py LIBRARY VERSION   (e.g. libcore_crypto_ffi.so GLIBC_2.38)

Sets VER_FLG_WEAK (2) on the Vernaux entries of .gnu.version_r named VERSION, so the dynamic
loader warns instead of refusing when the system library lacks that version; the symbols bound to
it must then come from elsewhere (an LD_PRELOAD shim). Run it on a copy, never on an installed file.
"""
import struct
import sys

VER_FLG_WEAK = 2
SHT_GNU_VERNEED = 0x6FFFFFFE


def main(path, version):
    with open(path, "r+b") as f:
        elf = bytearray(f.read())
        if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
            sys.exit(f"{path}: not an ELF64 little-endian file")
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
        marked = 0
        for _name, sh_type, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]  # the linked string table's file offset
            need = offset
            for _ in range(info):  # Elf64_Verneed: version, cnt, file, aux, next
                _v, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", elf, need)
                entry = need + aux
                for _ in range(cnt):  # Elf64_Vernaux: hash, flags, other, name, next
                    _hash, flags, _other, name, anext = struct.unpack_from("<IHHII", elf, entry)
                    end = elf.index(b"\0", strtab + name)
                    if elf[strtab + name:end].decode() == version:
                        struct.pack_into("<H", elf, entry + 4, flags | VER_FLG_WEAK)
                        marked += 1
                    entry += anext
                need += nxt
        if marked == 0:
            sys.exit(f"{path}: no version requirement named {version}")
        f.seek(0)
        f.write(elf)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
