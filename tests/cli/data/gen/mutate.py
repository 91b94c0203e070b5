#!/usr/bin/env python3
"""Mutation fuzzing of bt-gen's input: take the typed-ast fixtures beside
this file, break a few nodes of each (delete keys, put values of the wrong
kind or size), feed bt-gen and require a clean exit (0-3), never a crash
or a hang.  Usage: mutate.py BT_GEN SEED COUNT; prints the failures and
exits 1 if there were any."""
import glob, json, os, random, subprocess, sys

btgen, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(seed)
here = os.path.dirname(os.path.abspath(__file__))
files = [f for f in sorted(glob.glob(here + '/*.json'))
         if os.path.basename(f) not in ('ast.json',)]
junk = [None, 0, -1, 2**63 - 1, "x", [], {}, {"t": "int", "size": 3},
        {"t": "string", "size": 0}, {"t": "string", "size": 10**9},
        {"t": "tuple"}, {"k": "int"}, {"k": "call", "name": "printf"},
        True, 1e9, {"t": "hist", "k": 99}, {"t": "lhist", "step": 0}]

def nodes(v, out):
    if isinstance(v, dict):
        out.append(v)
        for x in v.values():
            nodes(x, out)
    elif isinstance(v, list):
        out.append(v)
        for x in v:
            nodes(x, out)
    return out

failed = 0
for _ in range(count):
    f = random.choice(files)
    hdr, prog = open(f).read().split('\n')[:2]
    p = json.loads(prog)
    ns = nodes(p, [])
    for _ in range(random.randint(1, 3)):
        n = random.choice(ns)
        if isinstance(n, dict) and n:
            k = random.choice(list(n))
            if random.random() < 0.4:
                del n[k]
            else:
                n[k] = random.choice(junk)
        elif isinstance(n, list) and n:
            i = random.randrange(len(n))
            if random.random() < 0.5:
                del n[i]
            else:
                n[i] = random.choice(junk)
    inp = (hdr + '\n' + json.dumps(p) + '\n').encode()
    try:
        r = subprocess.run([btgen, '-o', '/dev/null'], input=inp,
                           capture_output=True, timeout=20)
        rc = r.returncode
    except subprocess.TimeoutExpired:
        rc = 'timeout'
    if rc not in (0, 1, 2, 3):
        failed += 1
        print('bt-gen exit %s on a mutation of %s:' % (rc, f))
        print(inp.decode()[:2000])
sys.exit(1 if failed else 0)
