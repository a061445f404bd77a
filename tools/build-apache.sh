#!/usr/bin/env bash
# Builds mod_privacy.so for Apache httpd 2.4 with apxs, from the Apache glue
# (apache/) and the same server-agnostic core the nginx module links
# (ngx_privacy_module/privacy_*.c).  The sources are copied into the build
# directory first, so libtool's objects stay out of the tree.
#
#   build-apache.sh OUTDIR        writes OUTDIR/mod_privacy.so
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-apache.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
apxs=${APXS:-apxs}

src=$out/src
rm -rf "$src"
mkdir -p "$src"
cp "$top"/apache/*.[ch] "$top"/ngx_privacy_module/privacy_*.[ch] "$src"/

# the banner's stylesheet and script, built in as the nginx build does
# (config.make): the same files, the same generator
sh "$top"/tools/embed-assets.sh -p mod_privacy_ "$src"/mod_privacy_assets_data.h \
    "$top"/ngx_privacy_module/assets/banner.css \
    "$top"/ngx_privacy_module/assets/banner.js

cd "$src"
# the module's own warnings are errors (Apache's initializers of module
# and command_rec leave fields out); the core is held to -Wextra by
# the nginx build and the unit tests already
"$apxs" -c -o mod_privacy.la \
    -Wc,-Wall -Wc,-Wextra -Wc,-Wno-unused-parameter \
    -Wc,-Wno-missing-field-initializers -Wc,-Werror \
    -Wc,-std=gnu99 \
    ./*.c -lhiredis -lcrypto >build.log 2>&1 || { cat build.log >&2; exit 1; }
grep -i 'warning' build.log >&2 || true
cp .libs/mod_privacy.so "$out/mod_privacy.so"
echo "built $out/mod_privacy.so"
