#!/usr/bin/env bash
# Builds ngx_http_privacy_module.so for an nginx source tree.
#
#   build-module.sh SRC BUILD_DIR [configure arguments...]
#
# SRC is an nginx tree with a configure script: Debian's nginx-dev headers
# (/usr/share/nginx/src, configured with its conf_flags for a binary
# compatible module) or a full source tree.  The module's own objects get
# nginx's warning set (-W -Wall -Werror) plus -Wextra; see docs/building.md.
set -euo pipefail

src=$1
out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$out"

# one build at a time in a build directory (parallel make or test runs)
exec 9>"$out/.lock"
flock 9

stamp="$out/.configured"
args="$* --add-dynamic-module=$top"

# configure reads config and config.make; an asset the banner serves is
# made again by objs/Makefile itself (config.make), with no configure run
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$args" ] \
        || [ "$top/config" -nt "$stamp" ] \
        || [ "$top/config.make" -nt "$stamp" ]; then
    rm -rf "$out/nginx"
    cp -a "$src" "$out/nginx"
    (cd "$out/nginx" && ./configure "$@" --add-dynamic-module="$top" \
        >"$out/configure.log" 2>&1) || {
        tail -30 "$out/configure.log"; exit 1; }
    echo "$args" >"$stamp"
fi

make -s -C "$out/nginx" -f objs/Makefile modules
# a new file, not an overwrite: a running nginx has the old one mapped
cp "$out/nginx/objs/ngx_http_privacy_module.so" "$out/.module.so.new"
mv -f "$out/.module.so.new" "$out/ngx_http_privacy_module.so"
