#!/usr/bin/env bash
# make test-valgrind: the whole t/ suite with every nginx under valgrind's
# memcheck (TEST_NGINX_USE_VALGRIND=1): Debian's nginx and the module
# built for it (build/debian).  The runner writes logs/valgrind.log per
# block, reads ./valgrind.suppress (the repository root: prove.sh runs
# there) and fails a test on an invalid read, write or free, or on memory
# "definitely lost".  Slow: prints the time it took.
#
#   valgrind.sh [prove arguments...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/valgrind
binary=${TEST_NGINX_BINARY:-/usr/sbin/nginx}
module=$top/build/debian/ngx_http_privacy_module.so

command -v valgrind >/dev/null || {
    echo "valgrind: valgrind is not installed (tools/deps.sh valgrind)" >&2
    exit 1; }

# the module and privacy-mint, which some suites call
make -s -C "$top" build
make -s -C "$top/unit" BUILD="$top/build/unit" mint

mkdir -p "$out"

export TEST_NGINX_USE_VALGRIND=1
# our own server root: other suites may run at the same time.  The ports
# (TEST_NGINX_PORT, TEST_NGINX_REDIS_PORT, TEST_NGINX_DEAD_REDIS_PORT) are
# free ones that tools/with-redis.sh and tools/prove.sh pick, unless set.
export TEST_NGINX_SERVROOT=${TEST_NGINX_SERVROOT:-$out/servroot}
export TEST_NGINX_PRIVACY_MINT=$top/build/unit/privacy-mint

start=$(date +%s)
status=0
"$top/tools/with-redis.sh" "$top/tools/prove.sh" "$binary" "$module" "$@" \
    || status=$?
echo "valgrind: the suite took $(( $(date +%s) - start ))s"

if [ "$status" -ne 0 ]; then
    echo "valgrind: the suite failed (prove exit status $status)" >&2
fi

exit "$status"
