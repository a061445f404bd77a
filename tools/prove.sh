#!/usr/bin/env bash
# Runs the Test::Nginx suites against one nginx binary and module.
#
#   prove.sh NGINX_BINARY MODULE_SO [prove arguments...]
#
# An installed upstream Test::Nginx is preferred; the project's clean-room
# runner in t/lib is used otherwise.  TEST_NGINX_UPSTREAM_LIB=DIR (the lib/
# directory of an openresty/test-nginx checkout) puts that upstream runner
# first, whatever is installed.  The runner's own self-test always uses
# the bundled runner (and, with TEST_NGINX_UPSTREAM_LIB, compares it with
# that one).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
binary=$1
module=$(realpath "$2")
shift 2

# nginx resolves a relative path against its prefix, the servroot
case $binary in
    */*) binary=$(realpath "$binary") ;;
esac

export TEST_NGINX_BINARY=$binary
export TEST_NGINX_LOAD_MODULES="$module ${TEST_NGINX_EXTRA_MODULES:-}"
export TEST_NGINX_PRIVACY_MINT=${TEST_NGINX_PRIVACY_MINT:-$top/build/unit/privacy-mint}
export TEST_NGINX_PRIVACY_ROOT=$top

lib=$top/t/lib:$top/t/inc
upstream=${TEST_NGINX_UPSTREAM_LIB:-}
if [ -n "$upstream" ]; then
    if [ ! -f "$upstream/Test/Nginx/Socket.pm" ]; then
        echo "prove: TEST_NGINX_UPSTREAM_LIB=$upstream holds no" \
             "Test/Nginx/Socket.pm: give the lib/ directory of an" \
             "openresty/test-nginx checkout" >&2
        exit 2
    fi
    upstream=$(cd "$upstream" && pwd)
    if ! err=$(perl -I"$upstream" -e 'require Test::Nginx::Socket' 2>&1)
    then
        echo "prove: the Test::Nginx in $upstream does not load:" >&2
        echo "$err" | head -3 >&2
        echo "prove: on Debian its modules come with libtest-longstring-perl" \
             "liblist-moreutils-perl libhttp-message-perl liburi-perl" >&2
        exit 2
    fi
    export TEST_NGINX_UPSTREAM_LIB=$upstream
    echo "prove: using the upstream Test::Nginx in $upstream"
    lib=$upstream:$lib
# t/lib's Test::Nginx::Socket hands over to an installed upstream one
elif perl -MTest::Nginx::Socket -e 1 2>/dev/null; then
    echo "prove: using the installed Test::Nginx"
else
    echo "prove: using the bundled Test::Nginx (t/lib)"
fi

cd "$top"
export PERL5LIB=$lib${PERL5LIB:+:$PERL5LIB}

# Files run one at a time (the serial ones below, or files named on the
# command line) listen on TEST_NGINX_PORT.  Set: nothing may listen there
# yet, the run fails at once otherwise.  Unset: a free port is picked
# (the runner's default, 1984, may be anyone's).
if [ -n "${TEST_NGINX_PORT:-}" ]; then
    if ! "$top/tools/free-port.pl" "$TEST_NGINX_PORT"; then
        echo "prove: port $TEST_NGINX_PORT (TEST_NGINX_PORT) is in use by" \
             "a server this run did not start; set TEST_NGINX_PORT to a" \
             "free port, or unset it to have one picked" >&2
        exit 1
    fi
    pick_port=0
else
    pick_port=1
fi

serial_port() {
    if [ $pick_port = 1 ]; then
        TEST_NGINX_PORT=$("$top/tools/free-port.pl") || exit 1
        export TEST_NGINX_PORT
    fi
}

if [ $# -gt 0 ]; then
    serial_port
    exec prove "$@"
fi

# The whole suite: two at a time, each file on its own port and servroot,
# except the files marked "# serial:", which stop or lock the shared Redis
# and so run alone, after the others.
serial=$(grep -l '^# serial:' t/*.t || true)
parallel=$(ls t/*.t | grep -vxF -f <(printf '%s\n' $serial) || true)

rc=0
TEST_NGINX_RANDOMIZE=1 prove -j"${PROVE_JOBS:-2}" $parallel || rc=$?
if [ -n "$serial" ]; then
    serial_port
    echo "prove: the serial files on port $TEST_NGINX_PORT"
    prove $serial || rc=$?
fi
exit $rc
