#!/usr/bin/env python3
"""The dependencies between the glue files run one way.

    tools/layers.py [--list] [DIR ...]

Reads the glue files of each DIR (by default both: ngx_privacy_module,
the nginx module's ngx_http_privacy_*.c, and apache, mod_privacy's
mod_privacy*.c), finds which functions and globals each one defines, and
which of them each file uses from another.  Fails (exit 1) when

  - a file uses anything of the registrar (ngx_http_privacy_module.c,
    mod_privacy.c) but the module itself (ngx_http_privacy_module,
    privacy_module, which every file of a module shares);
  - two or more files depend on each other, directly or around a circle.

So the registrar calls the feature files, which call the small utility
files and the core, never back.  --list prints every cross-file use, one
line per pair of files: what the closing note of a structural change
lists.  Text only: comments and string literals are dropped first,
nothing is compiled.
"""

import glob
import os
import re
import sys

# per glue: its files, the prefix of its names, its registrar, and the
# module variable every file shares
GLUES = {
    'ngx_privacy_module': dict(files='ngx_http_privacy_*.c',
                               prefix='ngx_http_privacy_',
                               registrar='ngx_http_privacy_module.c',
                               shared={'ngx_http_privacy_module'}),
    'apache': dict(files='mod_privacy*.c', prefix='mod_privacy_',
                   registrar='mod_privacy.c', shared={'privacy_module'}),
}


def strip(src):
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    src = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', src)
    return src


def definitions(src, prefix):
    names = set()
    # a function: its name at the start of a line, then "("
    names.update(re.findall(r'^(%s\w+)\(' % prefix, src, re.M))
    # a global: "type  name = ..." or "type  name;" at the start of a line
    for m in re.finditer(r'^(?!static\b)[a-z_][\w ]*?\s\**'
                         r'(%s\w+)(?:\[[^]]*\])?\s*[=;]' % prefix,
                         src, re.M):
        names.add(m.group(1))
    return names


def graph(folder, glue):
    files = sorted(glob.glob(os.path.join(folder, glue['files'])))
    if not files:
        sys.exit('layers: no %s in %s' % (glue['files'], folder))

    src = {os.path.basename(f): strip(open(f).read()) for f in files}
    defined = {f: definitions(s, glue['prefix']) for f, s in src.items()}
    owner = {}
    for f in sorted(defined):
        for name in defined[f]:
            owner.setdefault(name, f)

    uses = {}
    for f, s in src.items():
        for name in set(re.findall(r'\b(%s\w+)\b' % glue['prefix'], s)):
            g = owner.get(name)
            # a file's own (static) function of the same name is its own
            if (g and g != f and name not in defined[f]
                    and name not in glue['shared']):
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


def check(folder, show):
    glue = GLUES.get(os.path.basename(os.path.normpath(folder)))
    if glue is None:
        sys.exit('layers: %s is none of %s' % (folder, ', '.join(GLUES)))

    src, uses = graph(folder, glue)
    failed = False

    if show:
        for (a, b), names in sorted(uses.items()):
            print('%s -> %s: %s' % (a, b, ', '.join(sorted(names))))

    for (a, b), names in sorted(uses.items()):
        if b == glue['registrar']:
            print('layers: %s uses the registrar: %s'
                  % (a, ', '.join(sorted(names))))
            failed = True

    for comp in cycles(sorted(src), uses):
        print('layers: these files depend on each other: %s'
              % ', '.join(comp))
        failed = True

    if not failed:
        print('layers: %s: %d glue files, %d one-way dependencies, no circle'
              % (folder, len(src), len(uses)))
    return failed


def main(argv):
    show = '--list' in argv
    folders = [a for a in argv if a != '--list'] or sorted(GLUES)

    failed = False
    for folder in folders:
        failed |= check(folder, show)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
