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

if [ $# -gt 0 ]; then
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
    prove $serial || rc=$?
fi
exit $rc
