#!/usr/bin/env python3
"""Per-instruction costs of functions, from a callgrind profile taken with
bench.py --callgrind-only NAMES --lines (which keeps instruction addresses):
each instruction of the functions, as objdump shows it with its source
line, and the instructions it ran per request.

    python3 bench/instructions.py build/bench/callgrind/proxy_privacy.out \\
        build/debian/ngx_http_privacy_module.so 2000 \\
        ngx_http_privacy_response_cookies [FUNCTION ...]

N is the requests of the profile (2000, or 200 with --quick).  Self costs
only: a call's cost stays with the function called.  Functions are looked
up in the object named; inlined code shows under its caller.
"""

import collections
import re
import subprocess
import sys


def _position(token, previous):
    """callgrind compresses positions: "+N", "-N", "*" (the same), or an
    address."""
    if token == "*":
        return previous
    if token[0] in "+-":
        return previous + int(token, 0)
    return int(token, 0)


def self_costs(profile, obj):
    """{(function, address): Ir} for the functions of object OBJ."""
    names, objects = {}, {}
    fn = ob = None
    pos = 0
    call_cost_next = False
    cost = collections.Counter()
    name_re = re.compile(r"^(c?(?:fn|ob))=\((\d+)\)(?: (.*))?$")
    with open(profile) as f:
        for line in f:
            line = line.rstrip("\n")
            m = name_re.match(line)
            if m:
                kind, key, name = m.groups()
                table = names if kind.endswith("fn") else objects
                if name:
                    table[key] = name
                if kind == "fn":
                    fn = names.get(key)
                elif kind == "ob":
                    ob = objects.get(key)
                continue
            if line.startswith("calls="):
                # the next cost line is the call's inclusive cost
                call_cost_next = True
                continue
            if not line or line[0] not in "0123456789+-*":
                continue
            parts = line.split()
            pos = _position(parts[0], pos)
            if call_cost_next:
                call_cost_next = False
                continue
            if ob and ob.endswith(obj) and len(parts) >= 3:
                cost[(fn, pos)] += int(parts[2])
    return cost


def show(cost, obj, n, function):
    addrs = sorted(a for (f, a) in cost if f == function)
    if not addrs:
        print("%s: not in the profile" % function)
        return
    total = sum(v for (f, a), v in cost.items() if f == function)
    print("=== %s: %.0f instructions per request (self)" % (function,
                                                            total / n))
    dis = subprocess.run(
        ["objdump", "-d", "-l", "--no-show-raw-insn",
         "--start-address=%#x" % addrs[0],
         "--stop-address=%#x" % (addrs[-1] + 16), obj],
        capture_output=True, text=True, check=True).stdout
    for line in dis.splitlines():
        m = re.match(r"\s+([0-9a-f]+):\s+(.*)", line)
        if m:
            ran = cost.get((function, int(m.group(1), 16)), 0) / n
            print("%7.1f  %s" % (ran, line.strip()))
        elif line.startswith("/"):
            print("         " + line.rsplit("/", 1)[-1])


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    profile, obj, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cost = self_costs(profile, obj.rsplit("/", 1)[-1])
    for function in sys.argv[4:]:
        show(cost, obj, n, function)


if __name__ == "__main__":
    main()
