#!/usr/bin/env bash
# make test-compat: the same suites against current nginx (1.26.3, from
# Debian trixie's source package) with the module built against hiredis 1.x
# (1.2.0, linked statically so that the system's 0.14.1 is not loaded),
# with hiredis_ssl: privacy_redis's tls=on is built and tested here.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/compat
src=$top/build/src

nginx_ver=1.26.3
nginx_sum=69ee2b237744036e61d24b836668aad3040dda461fe6f570f1787eab570c75aa
hiredis_ver=1.2.0
hiredis_sum=82ad632d31ee05da13b537c124f819eb88e18851d9cb0c30ae0552084811588c

"$top/tools/fetch-source.sh" "$src" "nginx=$nginx_ver-3+deb13u10" \
    "nginx_$nginx_ver.orig.tar.gz" "$nginx_sum"
"$top/tools/fetch-source.sh" "$src" "hiredis=$hiredis_ver-6" \
    "hiredis_$hiredis_ver.orig.tar.gz" "$hiredis_sum"

mkdir -p "$out"

# hiredis 1.x, static and position independent, headers as <hiredis/...>,
# with its TLS library (libhiredis_ssl.a, on the system's OpenSSL)
if [ ! -f "$out/hiredis/libhiredis_ssl.a" ]; then
    rm -rf "$out/hiredis" "$out/include"
    mkdir -p "$out/hiredis" "$out/include/hiredis"
    tar -xzf "$src/hiredis_$hiredis_ver.orig.tar.gz" -C "$out/hiredis" \
        --strip-components=1
    make -s -C "$out/hiredis" static USE_SSL=1 \
        CFLAGS='-fPIC -O2 -g' >"$out/hiredis-build.log" 2>&1 || {
        tail -20 "$out/hiredis-build.log"; exit 1; }
    cp -r "$out/hiredis"/*.h "$out/hiredis/adapters" "$out/include/hiredis/"
fi

if [ ! -d "$out/nginx-$nginx_ver" ]; then
    tar -xzf "$src/nginx_$nginx_ver.orig.tar.gz" -C "$out"
fi

export PRIVACY_HIREDIS_INC=$out/include
export PRIVACY_HIREDIS_LIB=$out/hiredis/libhiredis.a
# config finds hiredis_ssl.h and links this before the two above
export PRIVACY_HIREDIS_SSL_LIB=$out/hiredis/libhiredis_ssl.a

"$top/tools/build-module.sh" "$out/nginx-$nginx_ver" "$out/build" \
    --prefix="$out/nginx" --with-compat --with-debug --with-threads \
    --with-http_ssl_module --with-http_v2_module --with-http_sub_module \
    --with-http_addition_module --with-http_gunzip_module \
    --with-http_realip_module --with-http_auth_request_module \
    --with-http_stub_status_module --with-http_dav_module \
    --with-http_slice_module \
    --with-cc-opt='-g -O2 -fPIC -Wextra' --with-ld-opt='-fPIC'

# the binary itself: built again only when its configure arguments change
if ! cmp -s "$out/build/.configured" "$out/nginx/.configured"; then
    make -s -C "$out/build/nginx" -j"$(nproc)" >"$out/nginx-build.log" 2>&1 \
        || { tail -30 "$out/nginx-build.log"; exit 1; }
    make -s -C "$out/build/nginx" install >>"$out/nginx-build.log" 2>&1
    cp "$out/build/.configured" "$out/nginx/.configured"
fi

if ! "$out/nginx/sbin/nginx" -v 2>&1 | grep -q "nginx/$nginx_ver"; then
    echo "compat: $out/nginx/sbin/nginx is not nginx $nginx_ver" >&2
    exit 1
fi

exec "$top/tools/with-redis.sh" "$top/tools/prove.sh" \
    "$out/nginx/sbin/nginx" "$out/build/ngx_http_privacy_module.so" "$@"
