#!/bin/sh
# Runs unit test programs (shell scripts with sh), prefixes their output
# with the test's name, and ends with the combined line
# "unit: N passed, M failed".  A test that dies before its own summary
# line counts as one failure.  Exits non-zero on any failure.

passed=0
failed=0

for t in "$@"; do
    name=$(basename "$t")

    case "$t" in
    *.sh) out=$(sh "$t" 2>&1) ;;
    *)    out=$("$t" 2>&1) ;;
    esac

    rc=$?

    printf '%s\n' "$out" | sed "s|^|$name: |"

    summary=$(printf '%s\n' "$out" | tail -n 1 \
              | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')

    if [ -z "$summary" ]; then
        echo "$name: no summary line, exit status $rc"
        failed=$((failed + 1))
        continue
    fi

    p=${summary% *}
    f=${summary#* }
    passed=$((passed + p))
    failed=$((failed + f))

    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$name: exit status $rc"
        failed=$((failed + 1))
    fi
done

echo "unit: $passed passed, $failed failed"

[ "$failed" -eq 0 ]
