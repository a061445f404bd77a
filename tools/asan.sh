#!/usr/bin/env bash
# make test-asan: the whole t/ suite against nginx 1.22.1 (Debian bookworm's
# source package) and the module, both built with AddressSanitizer and
# UndefinedBehaviorSanitizer, then reloads under load (asan-reload.sh).
# Any sanitizer report fails the run.
#
#   asan.sh [prove arguments...]
#
# Leak detection is off: nginx frees its pools wholesale at exit and LSan
# reports them; leaks are tools/valgrind.sh's job.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/asan
src=$top/build/src

nginx_ver=1.22.1
nginx_sum=9ebb333a9e82b952acd3e2b4aeb1d4ff6406f72491bab6cd9fe69f0dea737f31

# -fsanitize-address-use-odr-indicator: ASan registers each global through
# a private alias of it.  Without it the module registers the ngx_modules
# of its generated ngx_http_privacy_module_modules.c (16 bytes) through
# the GOT, which the dynamic linker binds to the binary's ngx_modules (528
# bytes): ASan poisons the binary's array past 16 bytes, and the master's
# next read of it, ngx_cycle_modules() at a reload (SIGHUP), aborts with
# a global-buffer-overflow.  detect_odr_violation=0 does not prevent that.
# With the indicators, the binary and the module share the exported
# indicator of ngx_modules, and ASan reports an odr-violation at the
# dlopen() instead, which asan.supp below silences.
san='-fsanitize=address,undefined -fno-omit-frame-pointer'
san+=' -fsanitize-address-use-odr-indicator'

# clang, not gcc: gcc 12's libubsan, linked next to libasan, ignores
# log_path and writes its reports to stderr, which is nginx's error log
cc=${ASAN_CC:-clang}

"$top/tools/fetch-source.sh" "$src" "nginx=$nginx_ver-9+deb12u9" \
    "nginx_$nginx_ver.orig.tar.gz" "$nginx_sum"

mkdir -p "$out"

if [ ! -d "$out/nginx-$nginx_ver" ]; then
    tar -xzf "$src/nginx_$nginx_ver.orig.tar.gz" -C "$out"
fi

# the modules t/*.t use, plus Debian's own set so that any suite that runs
# against Debian's nginx also finds its directives here
"$top/tools/build-module.sh" "$out/nginx-$nginx_ver" "$out/build" \
    --with-cc="$cc" --prefix="$out/nginx" --with-compat --with-debug \
    --with-threads \
    --with-pcre-jit --with-http_ssl_module --with-http_v2_module \
    --with-http_sub_module --with-http_addition_module \
    --with-http_gunzip_module --with-http_realip_module \
    --with-http_stub_status_module --with-http_auth_request_module \
    --with-http_dav_module --with-http_slice_module \
    --with-cc-opt="-g -O1 -fPIC $san" --with-ld-opt="-fPIC $san"

binary=$out/nginx/sbin/nginx
module=$out/build/ngx_http_privacy_module.so

# the binary itself: built once per set of configure arguments.  A change
# to the module's config reconfigures the tree but not the binary, which
# does not contain the module (and whose module signature stays the same).
if [ ! -x "$binary" ] || ! cmp -s "$out/build/.configured" "$out/.binary"
then
    make -s -C "$out/build/nginx" -j"$(nproc)" >"$out/nginx-build.log" 2>&1 \
        || { tail -30 "$out/nginx-build.log"; exit 1; }
    make -s -C "$out/build/nginx" install >>"$out/nginx-build.log" 2>&1
    cp "$out/build/.configured" "$out/.binary"
fi

"$binary" -v 2>&1 | grep -q "nginx/$nginx_ver" || {
    echo "asan: $binary is not nginx $nginx_ver" >&2; exit 1; }

# privacy-mint, which some suites call
make -s -C "$top/unit" BUILD="$top/build/unit" mint

# Reports go to files, one per process (asan.PID, ubsan.PID): workers'
# stderr is nginx's error log, and a report must not hide there.  The
# directory is world-writable in case workers run as another user.
logs=$out/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
chmod 1777 "$logs"

# nginx core (src/..., relative paths; the module's files are absolute)
# has three harmless idioms clang's UBSan flags, not ours to fix: NULL
# with length 0 to memcpy and memset, NULL + 0 for empty buffers
# (ngx_http_send_response() with an empty text), and word loads at any
# address where the CPU allows them (ngx_str4cmp() in the request line
# parser, on the second of two pipelined requests).  Only those checks,
# and only for the core, are silenced.
cat >"$out/ubsan.supp" <<'EOF'
nonnull-attribute:^src/
pointer-overflow:^src/
alignment:^src/
EOF

# nginx defines ngx_modules and ngx_module_names, and so does every
# dynamic module's generated objs/<module>_modules.c (the list of modules
# in the .so, which ngx_load_module() finds with dlsym()): defined twice
# by design, in a binary and a module linked separately, and each object
# uses its own.  ASan reports that as an odr-violation at the dlopen() of
# the module; only these two names are silenced, every other global
# defined in both the binary and the module is still reported.
cat >"$out/asan.supp" <<'EOF'
odr_violation:^ngx_modules$
odr_violation:^ngx_module_names$
EOF

# clang's runtime reads both variables and the last log_path wins: each
# names its own, in the same directory
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$logs/asan"
ASAN_OPTIONS+=":suppressions=$out/asan.supp"
# UBSAN_HALT=0 lets nginx carry on after a UBSan report, to collect every
# distinct report of a run in one go; the run fails all the same
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=${UBSAN_HALT:-1}"
UBSAN_OPTIONS+=":log_path=$logs/ubsan:suppressions=$out/ubsan.supp"

# our own server root: other suites may run at the same time.  The ports
# (TEST_NGINX_PORT, TEST_NGINX_REDIS_PORT, TEST_NGINX_DEAD_REDIS_PORT) are
# free ones that tools/with-redis.sh and tools/prove.sh pick, unless set.
export TEST_NGINX_SERVROOT=${TEST_NGINX_SERVROOT:-$out/servroot}
export TEST_NGINX_PRIVACY_MINT=$top/build/unit/privacy-mint

status=0
"$top/tools/with-redis.sh" "$top/tools/prove.sh" "$binary" "$module" "$@" \
    || status=$?

# the suites run nginx without a master process: reloads are covered by a
# run of their own, under load (ASAN_RELOADS=0 leaves it out)
reload_status=0
if [ "${ASAN_RELOADS:-4}" -gt 0 ]; then
    "$top/tools/with-redis.sh" "$top/tools/asan-reload.sh" "$binary" \
        "$module" "$logs" || reload_status=$?
fi

# one process per file, and the same report from many processes: print
# each distinct report (by its SUMMARY line) once, with its count
reports=$(find "$logs" -type f \( -name 'asan.*' -o -name 'ubsan.*' \) \
          | sort)
if [ -n "$reports" ]; then
    declare -A seen=()
    for f in $reports; do
        key=$(grep -m 1 '^SUMMARY' "$f" || echo "$f")
        if [ -z "${seen[$key]:-}" ]; then
            echo "==== $f"
            cat "$f"
            seen[$key]=0
        fi
        seen[$key]=$(( seen[$key] + 1 ))
    done
    echo "==== sanitizer reports (processes, report):"
    for key in "${!seen[@]}"; do
        echo "${seen[$key]} $key"
    done
    echo "asan: $(echo "$reports" | wc -l) sanitizer report file(s)," \
         "see $logs" >&2
    exit 1
fi

if [ "$status" -ne 0 ]; then
    echo "asan: the suite failed (prove exit status $status)" >&2
    exit "$status"
fi

if [ "$reload_status" -ne 0 ]; then
    echo "asan: the reload run failed (tools/asan-reload.sh)" >&2
    exit "$reload_status"
fi

echo "asan: suite and reloads passed, no sanitizer reports"
