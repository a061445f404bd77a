#!/usr/bin/env python3
"""The dependencies between the nginx glue files run one way.

    tools/layers.py [--list] [DIR]

Reads the ngx_http_privacy_*.c files of DIR (ngx_privacy_module by
default), finds which functions and globals each one defines, and which of
them each file uses from another.  Fails (exit 1) when

  - a file uses anything of the registrar, ngx_http_privacy_module.c, but
    the module itself (ngx_http_privacy_module, which every nginx module's
    files share);
  - two or more files depend on each other, directly or around a circle.

--list prints every cross-file use, one line per pair of files: what the
closing note of a structural change lists.  Text only: comments and
string literals are dropped first, nothing is compiled.
"""

import glob
import os
import re
import sys

REGISTRAR = 'ngx_http_privacy_module.c'
SHARED = {'ngx_http_privacy_module'}   # the module variable itself


def strip(src):
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    src = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', src)
    return src


def definitions(src):
    names = set()
    # a function: its name at the start of a line, then "("
    names.update(re.findall(r'^(ngx_http_privacy_\w+)\(', src, re.M))
    # a global: "type  name = ..." or "type  name;" at the start of a line
    for m in re.finditer(r'^(?!static\b)[a-z_][\w ]*?\s\**'
                         r'(ngx_http_privacy_\w+)(?:\[[^]]*\])?\s*[=;]',
                         src, re.M):
        names.add(m.group(1))
    return names


def graph(folder):
    files = sorted(glob.glob(os.path.join(folder, 'ngx_http_privacy_*.c')))
    if not files:
        sys.exit('layers: no ngx_http_privacy_*.c in %s' % folder)

    src = {os.path.basename(f): strip(open(f).read()) for f in files}
    owner = {}
    for f, s in src.items():
        for name in definitions(s):
            owner.setdefault(name, f)

    uses = {}
    for f, s in src.items():
        for name in set(re.findall(r'\b(ngx_http_privacy_\w+)\b', s)):
            g = owner.get(name)
            if g and g != f and name not in SHARED:
                uses.setdefault((f, g), set()).add(name)
    return src, uses


def cycles(nodes, uses):
    """Tarjan's strongly connected components of more than one file."""
    edges = {n: sorted({b for (a, b) in uses if a == n}) for n in nodes}
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for n in nodes:
        if n not in index:
            visit(n)
    return out


def main(argv):
    show = '--list' in argv
    args = [a for a in argv if a != '--list']
    folder = args[0] if args else 'ngx_privacy_module'

    src, uses = graph(folder)
    failed = False

    if show:
        for (a, b), names in sorted(uses.items()):
            print('%s -> %s: %s' % (a, b, ', '.join(sorted(names))))

    for (a, b), names in sorted(uses.items()):
        if b == REGISTRAR:
            print('layers: %s uses the registrar: %s'
                  % (a, ', '.join(sorted(names))))
            failed = True

    for comp in cycles(sorted(src), uses):
        print('layers: these files depend on each other: %s'
              % ', '.join(comp))
        failed = True

    if not failed:
        print('layers: %d glue files, %d one-way dependencies, no circle'
              % (len(src), len(uses)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
