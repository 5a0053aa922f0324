#!/usr/bin/env python3
"""Mutation test (issue 23): damaged cores and executables aimed at the Go
runtime's metadata, run through goheapflame.

    mutate.py GOHEAPFLAME WORKDIR [--cases N] [--seed S] [--jobs J]
              [--timeout SECS] [--regress DIR] [--save DIR] [--replay FILE...]

Each case is a recipe: a fixture core ($GHF_FIXTURES, made by
scripts/gen-cores.sh) and a list of symbolic operations ("set span[3].next
to the span itself", "allglen = 2^63", "p_memsz of PT_LOAD 4 = 2^64-1",
"fill 64 bytes of .gopclntab with 0xff", ...). Recipes are drawn from a
seeded random generator (same seed, same recipes) and resolved against the
fixture at run time: addresses come from the executable's symbols and DWARF
as gdb reads them (globals such as runtime.mheap_, runtime.allgs,
runtime.allm, runtime.allfin, runtime.firstmoduledata; struct offsets of
mspan, g, m, special, finBlock, moduledata, schedt), and the records
(spans, gs, ms, specials, finalizer blocks) are found by walking the core's
own bytes here, not with goheapflame.

Every case runs `flame --format folded` and `info --json` and must end in
one of:
  - exit 3 or 4 with exactly one stderr line "goheapflame: ...";
  - exit 0 with the line "goheapflame: warning: ...; the result is
    partial" last on stderr, after only lines "goheapflame: warning:
    goroutine N (STATUS): stack not walked to its base: ..." (and `info --json` then says "partial": true when it succeeds
    with the same warning);
  - exit 0 quietly with a believable result: every root the fixture's
    truth.json names holds at least 90% of its deliberate bytes, and `info`
    counts the goroutines and heap objects the fixture reports (a damaged
    value nothing reads leaves the result as it was).
Failures: a signal, a sanitizer report, a run over --timeout seconds, any
other exit code or stderr, or a quiet exit 0 whose result contradicts the
truth. Each failing recipe is written to --save (tests/fuzz/regress/mutate/
in the repository) so that the normal suite replays it (--replay).
"""
import argparse
import glob
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

SANITIZER = re.compile(r'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|'
                       r'MemorySanitizer|Segmentation fault|core dumped')
FIXTURES = [('go1.19', 'stacks'), ('go1.19', 'shapes'), ('go1.21', 'stacks'), ('go1.21', 'shapes'),
            ('go1.22', 'stacks'), ('go1.22', 'shapes'), ('go1.23', 'stacks'), ('go1.23', 'shapes'),
            ('go1.24', 'stacks'), ('go1.24', 'shapes'), ('go1.26', 'stacks'), ('go1.26', 'shapes'),
            ('go1.27', 'stacks'), ('go1.27', 'shapes'), ('go1.27-gcore', 'stacks'), ('go1.27-gcore', 'shapes')]

# ---- what gdb tells us about the executable (DWARF and symbols) ----

GLOBALS = ['runtime.mheap_', 'runtime.allgs', 'runtime.allglen', 'runtime.allm', 'runtime.allp',
           'runtime.sched', 'runtime.allfin', 'runtime.firstmoduledata', 'runtime.m0', 'runtime.g0',
           'runtime.gcCleanups']
STRUCTS = {  # record kind -> (DWARF type names, newest first; fields)
    'mheap': (['runtime.mheap'], ['allspans', 'arenas', 'central']),
    'span': (['runtime.mspan'], ['next', 'prev', 'list', 'startAddr', 'npages', 'freeindex', 'nelems',
                                 'allocBits', 'gcmarkBits', 'spanclass', 'state', 'elemsize', 'limit',
                                 'specials', 'largeType', 'allocCount']),
    'special': (['runtime.special'], ['next', 'offset', 'kind']),
    'finblock': (['runtime.finBlock', 'runtime.finblock'], ['alllink', 'next', 'cnt', 'fin']),
    'm': (['runtime.m'], ['g0', 'curg', 'alllink', 'schedlink', 'procid', 'p', 'nextp', 'gsignal']),
    'g': (['runtime.g'], ['stack', 'sched', 'atomicstatus', 'goid', 'schedlink', 'm', 'syscallsp',
                          'syscallpc', 'startpc', 'waitreason', 'stackguard0']),
    'p': (['runtime.p'], ['link', 'runqhead', 'runqtail', 'gFree', 'mcache', 'status', 'm']),
    'md': (['runtime.moduledata'], ['pcHeader', 'ftab', 'pclntable', 'text', 'etext', 'noptrdata', 'data',
                                    'edata', 'bss', 'ebss', 'types', 'etypes', 'rodata', 'gofunc',
                                    'typelinks', 'gcdatamask', 'gcbssmask', 'next', 'minpc', 'maxpc']),
    'sched': (['runtime.schedt'], ['midle', 'nmidle', 'pidle', 'npidle', 'runq', 'gFree', 'freem',
                                   'sudogcache', 'deferpool', 'ngsys']),
}
SUBFIELDS = {'g': {'stack.lo': ('stack', 0), 'stack.hi': ('stack', 8), 'sched.sp': ('sched', 0),
                   'sched.pc': ('sched', 8)}}


def gdb_facts(exe, cache):
    stamp = f'{os.path.getmtime(exe)}:{os.path.getsize(exe)}'
    if os.path.exists(cache):
        with open(cache) as f:
            c = json.load(f)
        if c.get('stamp') == stamp:
            return c
    lines = ['set language c', 'set print symbol off']
    for g in GLOBALS:
        lines += [f'echo @@glob {g}\\n', f"print (unsigned long)&'{g}'"]
    for kind, (types, fields) in STRUCTS.items():
        for t in types:
            lines += [f'echo @@size {kind} {t}\\n', f"print sizeof('{t}')"]
            for fld in fields:
                lines += [f'echo @@off {kind} {t} {fld}\\n', f"print (unsigned long)&(('{t}' *)0)->{fld}"]
    cmd = ['gdb', '-batch', '-nx', '-iex', 'set auto-load off']
    for line in lines:  # -ex, not a script: a failing command (a field absent here) must not stop the rest
        cmd += ['-ex', line]
    p = subprocess.run(cmd + [exe],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = p.stdout.decode('utf-8', 'replace')
    facts = {'stamp': stamp, 'glob': {}, 'size': {}, 'off': {}}
    for chunk in out.split('@@')[1:]:
        head, _, rest = chunk.partition('\n')
        m = re.search(r'^\$\d+ = (\d+)', rest, re.M)
        if not m:
            continue
        v = int(m.group(1))
        w = head.split()
        if w[0] == 'glob':
            facts['glob'][w[1]] = v
        elif w[0] == 'size':
            facts['size'].setdefault(w[1], v)
        elif w[0] == 'off':
            if facts['size'].get(w[1]) is not None and w[2] in STRUCTS[w[1]][0]:
                facts['off'].setdefault(w[1], {}).setdefault(w[3], v)
    for need in ['runtime.mheap_', 'runtime.allgs', 'runtime.allglen', 'runtime.firstmoduledata']:
        if need not in facts['glob']:
            sys.exit(f'mutate: gdb did not find {need} in {exe}:\n{out[-2000:]}')
    with open(cache + '.tmp', 'w') as f:
        json.dump(facts, f)
    os.replace(cache + '.tmp', cache)
    return facts


# ---- ELF images ----

class Image:
    """Program headers (and for executables sections and symbols) of an ELF file."""

    def __init__(self, path):
        self.path = path
        with open(path, 'rb') as f:
            self.head = f.read(64)
            phoff, = struct.unpack_from('<Q', self.head, 32)
            shoff, = struct.unpack_from('<Q', self.head, 40)
            phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from('<HHHHH', self.head, 54)
            self.phoff, self.phentsize = phoff, phentsize
            f.seek(phoff)
            raw = f.read(phentsize * phnum)
            self.ph = []
            for i in range(phnum):
                t, fl, off, va, pa, fsz, msz, al = struct.unpack_from('<IIQQQQQQ', raw, i * phentsize)
                self.ph.append(dict(i=i, type=t, off=off, vaddr=va, filesz=fsz, memsz=msz))
            self.sections = {}
            if shoff and shnum and shstrndx < shnum:
                f.seek(shoff)
                sh = f.read(shentsize * shnum)
                secs = [struct.unpack_from('<IIQQQQIIQQ', sh, i * shentsize) for i in range(shnum)]
                stroff, strsize = secs[shstrndx][4], secs[shstrndx][5]
                f.seek(stroff)
                strs = f.read(strsize)
                for s in secs:
                    name = strs[s[0]:strs.index(b'\0', s[0])].decode()
                    self.sections[name] = dict(type=s[1], addr=s[3], off=s[4], size=s[5])
        self.size = os.path.getsize(path)
        self.f = open(path, 'rb')

    def file_off(self, addr, n=1):
        for p in self.ph:
            if p['type'] == 1 and p['vaddr'] <= addr and addr + n <= p['vaddr'] + p['filesz']:
                return p['off'] + addr - p['vaddr']
        return None

    def read(self, addr, n):
        off = self.file_off(addr, n)
        if off is None or off + n > self.size:
            return None
        self.f.seek(off)
        return self.f.read(n)


class Memory:
    """The process memory a core describes: the core's bytes, then the executable's."""

    def __init__(self, core, exe):
        self.core, self.exe = core, exe

    def read(self, addr, n):
        return self.core.read(addr, n) or self.exe.read(addr, n)

    def u64(self, addr):
        b = self.read(addr, 8)
        return struct.unpack('<Q', b)[0] if b else None

    def u8(self, addr):
        b = self.read(addr, 1)
        return b[0] if b else None


class Fixture:
    """A fixture core with its runtime records located from gdb's offsets and the core's bytes."""

    def __init__(self, fixdir, tag, work):
        self.tag = tag
        self.dir = os.path.join(fixdir, tag)
        self.core_path = os.path.join(self.dir, 'core')
        self.exe_path = os.path.join(self.dir, 'exe')
        with open(os.path.join(self.dir, 'truth.json')) as f:
            self.truth = json.load(f)
        self.facts = gdb_facts(self.exe_path, os.path.join(work, 'gdb-' + tag.replace('/', '-') + '.json'))
        self.core, self.exe = Image(self.core_path), Image(self.exe_path)
        self.mem = Memory(self.core, self.exe)
        self.recs = {'mheap': [self.glob('runtime.mheap_')], 'sched': [self.glob('runtime.sched')],
                     'md': [self.glob('runtime.firstmoduledata')]}
        mem = self.mem
        def slice_of(addr, limit):
            ptr, n = mem.u64(addr), mem.u64(addr + 8)
            if not ptr or n is None:
                return []
            return [v for v in (mem.u64(ptr + 8 * i) for i in range(min(n, limit))) if v]
        spans = slice_of(self.glob('runtime.mheap_') + self.off('mheap', 'allspans'), 1 << 16)
        st = self.off('span', 'state')
        self.recs['span'] = [s for s in spans if mem.u8(s + st) == 1]
        glen = mem.u64(self.glob('runtime.allglen')) or 0
        self.recs['g'] = slice_of(self.glob('runtime.allgs'), min(glen, 1 << 16))
        self.recs['p'] = slice_of(self.glob('runtime.allp'), 1024) if self.has_glob('runtime.allp') else []
        self.recs['m'] = self.chain(mem.u64(self.glob('runtime.allm')) if self.has_glob('runtime.allm') else 0,
                                    'm', 'alllink')
        self.recs['special'] = []
        if self.off('span', 'specials') is not None:
            for s in self.recs['span']:
                self.recs['special'] += self.chain(mem.u64(s + self.off('span', 'specials')), 'special', 'next')
        self.recs['finblock'] = self.chain(mem.u64(self.glob('runtime.allfin')) if self.has_glob('runtime.allfin')
                                           else 0, 'finblock', 'alllink')
        zeros = [p for p in self.core.ph if p['type'] == 1 and p['filesz'] == 0 and p['memsz'] >= 1 << 16]
        self.zero_res = max(zeros, key=lambda p: p['memsz'])['vaddr'] if zeros else 0x10000

    def has_glob(self, name):
        return name in self.facts['glob']

    def glob(self, name):
        return self.facts['glob'][name]

    def off(self, kind, field):
        if kind == 'g' and field in SUBFIELDS['g']:
            base, add = SUBFIELDS['g'][field]
            o = self.off('g', base)
            return None if o is None else o + add
        return self.facts['off'].get(kind, {}).get(field)

    def chain(self, first, kind, field, limit=4096):
        out, seen, o = [], set(), self.off(kind, field)
        while first and first not in seen and len(out) < limit and o is not None:
            seen.add(first)
            out.append(first)
            first = self.mem.u64(first + o)
        return out

    # -- resolving a recipe's symbolic places and values --
    def record(self, kind, i):
        rs = self.recs.get(kind) or []
        return rs[i % len(rs)] if rs else None

    def place(self, at):
        """Address of a target {"rec": kind, "i": n, "field": f, "add": k} or {"glob": name, "add": k}."""
        if 'glob' in at:
            if not self.has_glob(at['glob']):
                return None
            return self.glob(at['glob']) + at.get('add', 0)
        base = self.record(at['rec'], at.get('i', 0))
        if base is None:
            return None
        off = self.off(at['rec'], at['field']) if at.get('field') else 0
        return None if off is None else base + off + at.get('add', 0)

    def value(self, v, addr):
        if isinstance(v, int):
            return v & (1 << 64) - 1
        if v == 'selfaddr':
            return addr
        if v == 'zerores':
            return self.zero_res
        if isinstance(v, dict) and 'rec' in v:
            r = self.record(v['rec'], v.get('i', 0))
            return (r or 0) + v.get('add', 0)
        if isinstance(v, dict) and 'glob' in v:
            return (self.glob(v['glob']) if self.has_glob(v['glob']) else 0) + v.get('add', 0)
        raise ValueError(f'bad value {v!r}')


# ---- recipes ----

HOSTILE = [0, 1, 7, 0xff, 0xffff, 1 << 31, (1 << 31) - 1, 1 << 32, (1 << 32) - 1, 1 << 40, 1 << 48,
           (1 << 61) + 1, 1 << 62, 1 << 63, (1 << 63) - 1, (1 << 64) - 1, (1 << 64) - 8, 0xdead00000000,
           0x7fffffffe000, 0xc000000000]
LENGTHS = [0, 1, 1 << 20, 1 << 31, 1 << 32, 1 << 40, (1 << 61) + 1, 1 << 62, 1 << 63, (1 << 63) - 1,
           (1 << 64) - 1]
LISTS = [('span', 'next'), ('span', 'prev'), ('m', 'alllink'), ('m', 'schedlink'), ('g', 'schedlink'),
         ('special', 'next'), ('finblock', 'alllink'), ('finblock', 'next'), ('p', 'link'), ('md', 'next')]
SLICES = [('runtime.mheap_', 'mheap', 'allspans'), ('runtime.allgs', None, None), ('runtime.allp', None, None)]


def slice_at(name, kind, field):
    return {'glob': name, 'add': 0} if kind is None else {'rec': kind, 'i': 0, 'field': field}


def gen_recipe(rng, fixtures):
    fx = rng.choice(fixtures)
    ops = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        ops.append(gen_op(rng, fx))
    return {'fixture': fx.tag, 'ops': ops}


def gen_op(rng, fx):
    r = rng.random()
    kinds = [k for k in STRUCTS if fx.recs.get(k)]
    if r < 0.16:  # slice headers of runtime tables
        name, kind, field = rng.choice(SLICES)
        at = slice_at(name, kind, field)
        what = rng.choice(['zero', 'len', 'cap', 'ptr', 'lenmax'])
        if what == 'zero':
            return {'op': 'zero', 'at': at, 'len': 24}
        if what in ('len', 'cap'):
            return {'op': 'set', 'at': dict(at, add=at.get('add', 0) + (8 if what == 'len' else 16)),
                    'val': rng.choice(LENGTHS)}
        if what == 'lenmax':
            v = rng.choice(LENGTHS)
            return {'op': 'bytes', 'at': dict(at, add=at.get('add', 0) + 8), 'val': [v, v]}
        return {'op': 'set', 'at': at, 'val': rng.choice([0, 'zerores', 0xdead00000000, {'rec': 'span', 'i': 0},
                                                         {'glob': 'runtime.allgs'}])}
    if r < 0.24:  # allglen
        return {'op': 'set', 'at': {'glob': 'runtime.allglen'}, 'val': rng.choice(LENGTHS)}
    if r < 0.44:  # lists linked to themselves or to an earlier record
        kind, field = rng.choice([lf for lf in LISTS if fx.recs.get(lf[0])] or LISTS[:1])
        i = rng.randrange(64)
        target = rng.choice(['self', 'self', 'first', 'selfaddr'])
        val = {'rec': kind, 'i': i} if target == 'self' else {'rec': kind, 'i': 0} if target == 'first' \
            else 'selfaddr'
        return {'op': 'set', 'at': {'rec': kind, 'i': i, 'field': field}, 'val': val}
    if r < 0.50:  # a finalizer block made up: allfin -> a self-linked block of cnt records
        return {'op': 'finblock', 'span': rng.randrange(64), 'cnt': rng.choice([1, 50, 101, 1 << 20, (1 << 32) - 1]),
                'link': rng.choice(['self', 'self', 'none'])}
    if r < 0.53:  # the runtime's own special list made circular: special.next -> the span's first
        return {'op': 'set', 'at': {'rec': 'special', 'i': rng.randrange(8), 'field': 'next'},
                'val': {'rec': 'special', 'i': 0}}
    if r < 0.74:  # a field of a record: hostile numbers and pointers
        kind = rng.choice(kinds)
        fields = [f for f in STRUCTS[kind][1] if fx.off(kind, f) is not None]
        if kind == 'g':
            fields += list(SUBFIELDS['g'])
        fld = rng.choice(fields)
        val = rng.choice(HOSTILE + ['selfaddr', 'zerores', {'rec': kind, 'i': rng.randrange(64)}])
        size = rng.choice([8, 8, 8, 4, 2, 1])
        return {'op': 'set', 'at': {'rec': kind, 'i': rng.randrange(64), 'field': fld}, 'val': val, 'size': size}
    if r < 0.80:  # a record zeroed
        kind = rng.choice(kinds)
        size = fx.facts['size'].get(kind, 64)
        return {'op': 'zero', 'at': {'rec': kind, 'i': rng.randrange(64)}, 'len': min(size, 4096)}
    if r < 0.86:  # program headers of the core
        loads = [p['i'] for p in fx.core.ph if p['type'] == 1]
        return {'op': 'phdr', 'i': rng.choice(loads), 'field': rng.choice(['memsz', 'memsz', 'filesz', 'offset',
                                                                          'vaddr']),
                'val': rng.choice(HOSTILE)}
    if r < 0.89:  # cut short
        return {'op': 'truncate', 'frac': round(rng.random(), 4)}
    if r < 0.92:  # the notes
        return {'op': 'note', 'frac': round(rng.random(), 4), 'len': rng.choice([1, 4, 8, 64]),
                'fill': rng.choice([0, 0xff, 'rand'])}
    if r < 0.96:  # the executable
        sec = rng.choice(['.gopclntab', '.gopclntab', '.go.buildinfo', '.debug_info', '.debug_info',
                          '.debug_abbrev', '.debug_line', '.debug_str', '.symtab', '.typelink', '.noptrdata',
                          '.data', '.rodata', '.note.go.buildid'])
        return {'op': 'exe', 'section': sec, 'frac': round(rng.random(), 4), 'len': rng.choice([1, 8, 64, 512]),
                'fill': rng.choice([0, 0xff, 'rand'])}
    # byte flips around the runtime globals
    g = rng.choice(['runtime.mheap_', 'runtime.allgs', 'runtime.sched', 'runtime.firstmoduledata', 'runtime.m0'])
    return {'op': 'flip', 'at': {'glob': g, 'add': rng.randrange(0, 512) & ~7}, 'len': rng.choice([1, 8, 16]),
            'seed': rng.randrange(1 << 30)}


def fill_bytes(fill, n, seed):
    if fill == 'rand':
        return bytes(random.Random(seed).randrange(256) for _ in range(n))
    return bytes([fill]) * n


def apply_recipe(fx, recipe, d):
    """Write the damaged core (and executable, if damaged) into d; returns their paths and a description."""
    core = os.path.join(d, 'core')
    exe = fx.exe_path
    if os.path.exists(core):
        os.unlink(core)
    subprocess.run(['cp', '--sparse=always', fx.core_path, core], check=True)
    desc = []
    cf = open(core, 'r+b')
    ef = None

    def poke_mem(addr, data):
        off = fx.core.file_off(addr, len(data))
        if off is None:
            return False
        cf.seek(off)
        cf.write(data)
        return True

    for k, op in enumerate(recipe['ops']):
        o = op['op']
        seed = zlib.crc32(json.dumps(op, sort_keys=True).encode()) & 0xffff
        if o in ('set', 'bytes', 'zero', 'flip'):
            addr = fx.place(op['at'])
            if addr is None:
                desc.append(f'{o} {op["at"]}: no such record here')
                continue
            if o == 'set':
                size = op.get('size', 8)
                data = struct.pack('<Q', fx.value(op['val'], addr))[:size]
            elif o == 'bytes':
                data = b''.join(struct.pack('<Q', fx.value(v, addr)) for v in op['val'])
            elif o == 'zero':
                data = bytes(op['len'])
            else:
                old = fx.mem.read(addr, op['len']) or bytes(op['len'])
                rnd = random.Random(op['seed'])
                data = bytes(b ^ (1 << rnd.randrange(8)) for b in old)
            ok = poke_mem(addr, data)
            desc.append(f'{o} {op["at"]} @{addr:#x} = {data.hex()}' + ('' if ok else ' (not in the core file)'))
        elif o == 'finblock':
            span = fx.record('span', op['span'])
            st = fx.off('span', 'startAddr')
            if span is None or st is None or not fx.has_glob('runtime.allfin') or fx.off('finblock', 'cnt') is None:
                desc.append('finblock: not possible here')
                continue
            blk = fx.mem.u64(span + st)
            rec = bytearray(fx.facts['size'].get('finblock', 64))
            link = blk if op['link'] == 'self' else 0
            struct.pack_into('<Q', rec, fx.off('finblock', 'alllink'), link)
            struct.pack_into('<Q', rec, fx.off('finblock', 'next'), link)
            struct.pack_into('<I', rec, fx.off('finblock', 'cnt'), op['cnt'] & 0xffffffff)
            ok = poke_mem(blk, bytes(rec[:4096])) and poke_mem(fx.glob('runtime.allfin'), struct.pack('<Q', blk))
            desc.append(f'finblock at {blk:#x} cnt {op["cnt"]} link {op["link"]}' + ('' if ok else ' (not written)'))
        elif o == 'phdr':
            fields = {'offset': 8, 'vaddr': 16, 'filesz': 32, 'memsz': 40}
            if op['i'] >= len(fx.core.ph):
                continue
            cf.seek(fx.core.phoff + op['i'] * fx.core.phentsize + fields[op['field']])
            cf.write(struct.pack('<Q', op['val'] & (1 << 64) - 1))
            desc.append(f'phdr {op["i"]} {op["field"]} = {op["val"]:#x}')
        elif o == 'truncate':
            cf.truncate(int(fx.core.size * op['frac']))
            desc.append(f'truncated to {int(fx.core.size * op["frac"])}')
        elif o == 'note':
            notes = [p for p in fx.core.ph if p['type'] == 4]
            if notes:
                n = notes[0]
                cf.seek(n['off'] + int(n['filesz'] * op['frac']))
                cf.write(fill_bytes(op['fill'], op['len'], seed))
                desc.append(f'note bytes at {op["frac"]}')
        elif o == 'exe':
            sec = fx.exe.sections.get(op['section'])
            if sec is None or sec['type'] == 8 or sec['size'] == 0:
                desc.append(f'exe: no {op["section"]}')
                continue
            if ef is None:
                exe = os.path.join(d, 'exe')
                shutil.copy(fx.exe_path, exe)
                ef = open(exe, 'r+b')
            at = sec['off'] + int(sec['size'] * op['frac'])
            ef.seek(at)
            ef.write(fill_bytes(op['fill'], min(op['len'], sec['off'] + sec['size'] - at), seed))
            desc.append(f'exe {op["section"]} at {op["frac"]}')
    cf.close()
    if ef:
        ef.close()
    return core, exe, desc


# ---- judging a run ----

def run(ghf, args, timeout):
    t0 = time.time()
    try:
        p = subprocess.run([ghf] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b'', '', time.time() - t0
    return p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace'), time.time() - t0


PARTIAL = re.compile(r'^goheapflame: warning: .*; the result is partial$')
# before it, one line per goroutine whose stack could not be walked to its base
LOST = re.compile(r'^goheapflame: warning: goroutine \d+ \([^)]*\): stack not walked to its base: .*$')


def root_bytes(folded, name):
    total = 0
    for line in folded.splitlines():
        stack, _, n = line.rpartition(' ')
        first = stack.split(';', 1)[0]
        if re.search(r'(^|[ .;])' + re.escape(name) + r'($|[ ;])', first) and n.isdigit():
            total += int(n)
    return total


def judge(fx, ghf, core, exe, d, timeout):
    """Problems of one damaged input ([] when goheapflame behaved)."""
    probs = []
    out = os.path.join(d, 'out.folded')
    if os.path.exists(out):
        os.unlink(out)
    rc, _, err, secs = run(ghf, ['flame', '--format', 'folded', '-o', out, core, exe], timeout)
    irc, iout, ierr, isecs = run(ghf, ['info', '--json', core, exe], timeout)
    for what, c, e, s in [('flame', rc, err, secs), ('info', irc, ierr, isecs)]:
        if c is None:
            probs.append(f'{what}: ran over {timeout}s')
            continue
        if c < 0:
            probs.append(f'{what}: killed by signal {-c}')
        if SANITIZER.search(e):
            probs.append(f'{what}: sanitizer report: ' + e[:400].replace('\n', ' | '))
            continue
        lines = e.splitlines()
        if c in (3, 4):
            if len(lines) != 1 or not lines[0].startswith('goheapflame: '):
                probs.append(f'{what}: exit {c} with stderr {e[:300]!r}')
        elif c == 0:
            if lines and (not PARTIAL.match(lines[-1]) or not all(LOST.match(x) for x in lines[:-1])):
                probs.append(f'{what}: exit 0 with stderr {e[:300]!r}')
        elif c > 0:
            probs.append(f'{what}: exit {c}: {e[:300]!r}')
    if probs:
        return probs, rc, irc
    # quiet success must be believable
    t = fx.truth
    if rc == 0 and not err.strip():
        with open(out, encoding='utf-8', errors='replace') as f:
            folded = f.read()
        for r in t.get('roots', []):
            name = r['name'] if r['kind'] != 'stack' else r['func'] + '.' + r['name']
            got = root_bytes(folded, name)
            if got < 0.9 * r['bytes']:
                probs.append(f'flame: quiet exit 0 but root {name} holds {got} bytes, truth {r["bytes"]}')
    if irc == 0:
        try:
            j = json.loads(iout)
        except ValueError:
            return [f'info: exit 0 with invalid JSON {iout[:200]!r}'], rc, irc
        if ierr.strip() and j.get('partial') is not True:
            probs.append('info: warned partial but its JSON says "partial": ' + str(j.get('partial')))
        if not ierr.strip():
            if j.get('partial'):
                probs.append('info: "partial": true without the warning line')
            ng = len([g for g in j.get('goroutine_list', [])])
            if ng < t['num_goroutine'] or j.get('goroutines', 0) < t['num_goroutine'] or \
                    j.get('goroutines', 0) > 4 * t['num_goroutine'] + 16:
                probs.append(f'info: quiet exit 0 with {j.get("goroutines")} goroutines ({ng} listed), '
                             f'truth {t["num_goroutine"]}')
            ho, want = j.get('heap_objects', 0), t['memstats']['HeapObjects']
            if not (want * 0.5 <= ho <= want * 2 + 1000):
                probs.append(f'info: quiet exit 0 with {ho} heap objects, truth {want}')
    return probs, rc, irc


# ---- main ----

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('ghf')
    ap.add_argument('work')
    ap.add_argument('--cases', type=int, default=300)
    ap.add_argument('--seed', type=int, default=23)
    ap.add_argument('--jobs', type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument('--timeout', type=float, default=30)
    ap.add_argument('--save', help='write each failing recipe here (a regression input)')
    ap.add_argument('--replay', nargs='*', help='recipe files (or directories of them) to run instead')
    ap.add_argument('--keep', action='store_true', help='keep the damaged files of failing cases')
    ap.add_argument('--intact', action='store_true', help='also run every fixture undamaged (baseline)')
    a = ap.parse_args()
    fixdir = os.environ.get('GHF_FIXTURES') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'goheapflame', 'fixtures')
    ghf = os.path.abspath(a.ghf)
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    avail = [f'{v}/{n}' for v, n in FIXTURES if os.path.isfile(os.path.join(fixdir, v, n, 'core'))]
    if not avail:
        sys.exit(f'mutate: no fixture cores in {fixdir}: run scripts/gen-cores.sh')
    fixtures = {}

    def fixture(tag):
        if tag not in fixtures:
            fixtures[tag] = Fixture(fixdir, tag, work)
        return fixtures[tag]

    recipes = []
    if a.replay is not None:
        for p in a.replay:
            for f in sorted(glob.glob(os.path.join(p, '*.json'))) if os.path.isdir(p) else [p]:
                with open(f) as fh:
                    r = json.load(fh)
                r['name'] = os.path.basename(f)
                if r['fixture'] not in avail:
                    print(f'skip {r["name"]}: fixture {r["fixture"]} is not made here')
                    continue
                recipes.append(r)
    else:
        rng = random.Random(a.seed)
        fxs = [fixture(t) for t in avail]
        if a.intact:
            recipes += [{'fixture': t, 'ops': [], 'name': f'intact {t}'} for t in avail]
        for i in range(a.cases):
            r = gen_recipe(rng, fxs)
            r['name'] = f'seed {a.seed} case {i}'
            recipes.append(r)
    for t in {r['fixture'] for r in recipes}:
        fixture(t)

    lock = threading.Lock()
    stats = {'cases': 0, 'failed': 0, 'exit0': 0, 'partial': 0, 'exit3': 0, 'exit4': 0, 'slowest': 0.0}
    fails = []

    def one(w, r):
        d = os.path.join(work, 'case', str(w))
        os.makedirs(d, exist_ok=True)
        fx = fixtures[r['fixture']]
        t0 = time.time()
        core, exe, desc = apply_recipe(fx, r, d)
        probs, rc, irc = judge(fx, ghf, core, exe, d, a.timeout)
        secs = time.time() - t0
        with lock:
            stats['cases'] += 1
            stats['slowest'] = max(stats['slowest'], secs)
            for c in (rc, irc):
                if c == 0:
                    stats['exit0'] += 1
                elif c == 3:
                    stats['exit3'] += 1
                elif c == 4:
                    stats['exit4'] += 1
            if probs:
                stats['failed'] += 1
                fails.append(r)
                print(f'FAIL {r["name"]} [{r["fixture"]}] {"; ".join(desc)}\n     ' + '\n     '.join(probs),
                      flush=True)
                if a.save:
                    os.makedirs(a.save, exist_ok=True)
                    body = {'fixture': r['fixture'], 'ops': r['ops'], 'found': probs[0][:300]}
                    name = re.sub(r'[^a-z0-9.]+', '-', f'{r["fixture"]}-{r["name"]}'.lower()) + '.json'
                    with open(os.path.join(a.save, name), 'w') as fh:
                        json.dump(body, fh, indent=1)
                        fh.write('\n')
                if a.keep:
                    kd = os.path.join(work, 'failed', re.sub(r'[^a-z0-9]+', '-', r['name'].lower()))
                    os.makedirs(kd, exist_ok=True)
                    shutil.copy(core, kd)
                    if exe != fx.exe_path:
                        shutil.copy(exe, kd)
            elif a.replay is not None or r['name'].startswith('intact'):
                print(f'ok   {r["name"]} [{r["fixture"]}] flame exit {rc}, info exit {irc}', flush=True)
        for f in ('core', 'exe'):
            if os.path.exists(os.path.join(d, f)):
                os.unlink(os.path.join(d, f))

    t0 = time.time()
    def worker(w):  # every worker its own directory, its own share of the cases in order
        for k in range(w, len(recipes), a.jobs):
            one(w, recipes[k])
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for f in [pool.submit(worker, w) for w in range(a.jobs)]:
            f.result()
    print(f'mutate: {stats["cases"]} cases on {len(fixtures)} fixtures in {time.time() - t0:.0f}s '
          f'(seed {a.seed}); {stats["failed"]} failed; runs: {stats["exit0"]} exit 0, {stats["exit3"]} exit 3, '
          f'{stats["exit4"]} exit 4; slowest case {stats["slowest"]:.1f}s')
    return 1 if stats['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
