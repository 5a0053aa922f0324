#!/usr/bin/env python3
"""A type descriptor on the heap whose Kind is no kind (session issue 18).

    check_desc_kind.py GOHEAPFLAME WORKDIR

An interface's type word that is no descriptor (garbage on real compiler
cores) is read as one; its Kind byte & 0x1f can be 27-31, past the kinds
goheapflame has a descriptor type for. goheapflame once read past its array
there, so labels depended on malloc's layout (GHF_THREADS, ASLR). Here the
ifaces fixture's reflect.StructOf and reflect.MapOf descriptors (the type
words of main.gReflect and main.gReflectMap, read from the core at the
addresses truth.json gives) get Kind byte 0xff in a copy of the core; then
histogram and objects must exit 0, with nothing on stderr (no sanitizer
report: the ASan/UBSan build runs this too and flags the old read), and
give the same output with GHF_THREADS=1 and 2.
"""
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixtures import file_off  # noqa: E402

GHF, WORK = sys.argv[1], sys.argv[2]
FIX = os.environ.get('GHF_FIXTURES') or os.path.expanduser('~/.cache/goheapflame/fixtures')
KIND_OFF = 23  # abi.Type / runtime._type on 64-bit: Size_, PtrBytes, Hash, TFlag, Align_, FieldAlign_, Kind_

failed = passed = 0


os.makedirs(WORK, exist_ok=True)
for ver in ['go1.24', 'go1.27']:
    d = os.path.join(FIX, ver, 'ifaces')
    if not os.path.isfile(os.path.join(d, 'core')):
        sys.exit(f'check_desc_kind: fixture {d} is missing: run scripts/gen-cores.sh (GHF_FIXTURES={FIX})')
    truth = json.load(open(os.path.join(d, 'truth.json')))
    core = os.path.join(WORK, f'{ver}-ifaces-core')
    subprocess.run(['cp', '--sparse=always', os.path.join(d, 'core'), core], check=True)
    with open(core, 'r+b') as f:
        for r in truth['roots']:
            if r['name'] not in ('main.gReflect', 'main.gReflectMap'):
                continue
            f.seek(file_off(core, r['addr']))
            tw, = struct.unpack('<Q', f.read(8))
            f.seek(file_off(core, tw + KIND_OFF))
            f.write(b'\xff')
    for cmd in ['histogram', 'objects']:
        outs = []
        for t in ['1', '2']:
            p = subprocess.run([GHF, cmd, core, os.path.join(d, 'exe')], capture_output=True, text=True,
                               env=dict(os.environ, GHF_THREADS=t), timeout=600)
            outs.append(p.stdout)
            if p.returncode != 0 or p.stderr:
                failed += 1
                print(f'FAIL {ver} {cmd} GHF_THREADS={t}: exit {p.returncode}, stderr:\n{p.stderr[:3000]}')
            else:
                passed += 1
        if outs[0] != outs[1]:
            failed += 1
            print(f'FAIL {ver} {cmd}: GHF_THREADS=1 and 2 differ')
        else:
            passed += 1
    os.unlink(core)
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
