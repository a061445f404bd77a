#!/usr/bin/env bash
# make fuzz: builds the libFuzzer harnesses (fuzz/fuzz_*.c) into build/fuzz
# and runs each, one after another, for FUZZ_SECONDS seconds (default 60).
#
#   fuzz/run.sh [harness...]        all harnesses by default
#   fuzz/run.sh -build [harness...] build only
#
# Each run starts from the committed seeds (fuzz/corpus/NAME, only read)
# plus what earlier runs found (build/fuzz/corpus/NAME, written).  A crash,
# a failed invariant, a leak or a timeout is saved under build/fuzz/crashes
# and fails the run after all harnesses ran.  Per harness figures go to
# build/fuzz/summary.txt.  Reproduce one: build/fuzz/NAME CRASH_FILE
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/fuzz
core=$top/ngx_privacy_module
seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}

build_only=0
if [ "${1:-}" = "-build" ]; then
    build_only=1
    shift
fi

if [ $# -eq 0 ]; then
    set -- $(cd "$top/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
fi

cflags=(-std=c99 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -D_DEFAULT_SOURCE -DPRIVACY_BANNER_CHECK -I"$core" -I"$top/fuzz")

mkdir -p "$out/crashes" "$out/corpus"

# every harness links the whole core: simpler than a dependency list, and
# the sources are small
for h in "$@"; do
    if [ ! -f "$top/fuzz/$h.c" ]; then
        echo "fuzz: no harness fuzz/$h.c" >&2
        exit 1
    fi

    rebuild=0
    [ -x "$out/$h" ] || rebuild=1
    for f in "$top/fuzz/$h.c" "$top/fuzz/fuzz.h" "$core"/privacy_*.[ch]; do
        [ "$f" -nt "$out/$h" ] && rebuild=1
    done

    if [ $rebuild -eq 1 ]; then
        echo "fuzz: building $h"
        "$cc" "${cflags[@]}" -o "$out/$h.new" "$top/fuzz/$h.c" \
            "$core"/privacy_*.c -lcrypto
        mv -f "$out/$h.new" "$out/$h"
    fi
done

[ $build_only -eq 1 ] && exit 0

# a smaller ASan quarantine: the harnesses allocate per input and the
# machine is shared (the default 256 MB shows up as RSS)
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64}

summary=$out/summary.txt
printf '%-20s %8s %12s %8s  %s\n' harness seconds executions corpus \
    result >"$summary"

failed=0

# one at a time: the machine is shared
for h in "$@"; do
    corpus=$out/corpus/$h
    seeds=$top/fuzz/corpus/$h
    log=$out/$h.log
    mkdir -p "$corpus" "$seeds"

    echo "fuzz: running $h for ${seconds}s"

    rc=0
    "$out/$h" "$corpus" "$seeds" -max_total_time="$seconds" \
        -print_final_stats=1 -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix="$out/crashes/$h-" >"$log" 2>&1 || rc=$?

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" \
            | tail -1)
    files=$(find "$corpus" -type f | wc -l)

    result=ok
    if [ $rc -ne 0 ]; then
        result=FAILED
        failed=1
        # libFuzzer names the input it saved: "Test unit written to PATH"
        crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" \
                | tail -1)
        grep -m 1 -E 'ERROR|invariant failed|runtime error' "$log" || true
        echo "fuzz: $h FAILED (exit status $rc), input: ${crash:-none}," \
             "log: $log" >&2
    fi

    echo "fuzz: $h: ${execs:-?} executions, $files corpus files, $result"
    printf '%-20s %8s %12s %8s  %s\n' "$h" "$seconds" "${execs:-?}" \
        "$files" "$result" >>"$summary"
done

cat "$summary"
exit $failed
