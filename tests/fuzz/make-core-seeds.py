#!/usr/bin/env python3
"""Write the small seed/regression inputs of the `core` fuzz target into a
directory (tests/fuzz/regress/core/ holds their output): the head of a real
core cut where the bad-input suite cuts (ELF header, program headers, notes,
first segment) and hostile variants of that head (huge counts, offsets and
sizes, wrong ELF class or type). Kilobytes each, not the whole core.

    tests/fuzz/make-core-seeds.py CORE OUTDIR     (CORE: $GHF_FIXTURES/go1.27/stacks/core)
"""
import os
import struct
import sys


def main():
    core, out = sys.argv[1], sys.argv[2]
    with open(core, 'rb') as f:
        head = f.read(1 << 16)
    phoff, = struct.unpack_from('<Q', head, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', head, 0x36)
    ph = [struct.unpack_from('<IIQQQQQQ', head, phoff + i * phentsize) for i in range(phnum)]
    note = next(p for p in ph if p[0] == 4)
    note_off, note_sz = note[2], note[5]
    loads = [p for p in ph if p[0] == 1 and p[5] > 0]
    first_load_end = loads[0][2] + loads[0][5]
    notes_end = note_off + note_sz
    assert first_load_end <= len(head), 'first segment beyond the head read'
    whole = head[:first_load_end]
    base = bytearray(whole[:notes_end])  # headers and notes, no segment data

    seeds = {
        'cut-in-elf-header': whole[:30],
        'cut-in-program-headers': whole[:phoff + phentsize * phnum // 2],
        'cut-in-notes': whole[:note_off + note_sz // 2],
        'cut-after-notes': bytes(base),
        'cut-after-first-segment': whole,
        'empty': b'',
    }

    def patched(at, fmt, val, src=base):
        b = bytearray(src)
        struct.pack_into(fmt, b, at, val)
        return bytes(b)
    load0 = phoff + ph.index(loads[0]) * phentsize
    seeds.update({
        'phnum-0xffff': patched(0x38, '<H', 0xffff),
        'phoff-2e40': patched(0x20, '<Q', 1 << 40),
        'phoff-wraps': patched(0x20, '<Q', (1 << 64) - 8),
        'phentsize-1': patched(0x36, '<H', 1),
        'elfclass32': patched(4, '<B', 1),
        'big-endian': patched(5, '<B', 2),
        'type-exec': patched(0x10, '<H', 2),
        'machine-aarch64': patched(0x12, '<H', 183),
        'note-namesz-huge': patched(note_off, '<I', 0xffffffff),
        'note-descsz-huge': patched(note_off + 4, '<I', 0xfffffff0),
        'note-filesz-2e62': patched(phoff + ph.index(note) * phentsize + 0x20, '<Q', 1 << 62),
        'load-offset-wraps': patched(load0 + 8, '<Q', (1 << 64) - 4096, whole),
        'load-filesz-2e62': patched(load0 + 0x20, '<Q', 1 << 62, whole),
        'load-vaddr-top': patched(load0 + 0x10, '<Q', (1 << 64) - 4096, whole),
    })
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print(f'{len(seeds)} seeds, {sum(len(d) for d in seeds.values())} bytes, in {out}')


if __name__ == '__main__':
    main()
