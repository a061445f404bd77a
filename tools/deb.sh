#!/usr/bin/env bash
# make deb: the Debian package libnginx-mod-http-privacy, built the way
# Debian builds its libnginx-mod-* packages (debian/, dpkg-buildpackage
# with nginx-dev's dh sequence), then checked with lintian: an error fails
# the build, warnings are printed.
#
# dpkg-buildpackage writes into the source tree (debian/ build dirs) and
# its products next to it, so it runs on a copy of the files the package
# is built from, build/deb/src; the .deb, .changes and .buildinfo land in
# build/deb.  Prints the .deb's path last.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
src=$out/src

version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
deb=$out/libnginx-mod-http-privacy_${version}_$arch.deb
apache_deb=$out/libapache2-mod-privacy_${version}_$arch.deb

rm -rf "$out"
mkdir -p "$src"

# the module, its documentation, the example site and the packaging
(cd "$top" && cp -a --parents config config.make tools/embed-assets.sh \
    tools/build-apache.sh apache/*.[ch] \
    ngx_privacy_module docs examples README.md LICENSE \
    debian "$src/")

echo "deb: dpkg-buildpackage in $src (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1
then
    tail -40 "$out/build.log" >&2
    echo "deb: dpkg-buildpackage failed (all of it: $out/build.log)" >&2
    exit 1
fi

if [ ! -f "$deb" ] || [ ! -f "$apache_deb" ]; then
    echo "deb: $deb or $apache_deb was not built; $out holds:" >&2
    ls "$out" >&2
    exit 1
fi

# lintian: errors fail, warnings and the rest are shown
lintian_rc=0
lintian --fail-on error --display-info "$deb" "$apache_deb" \
    >"$out/lintian.log" 2>&1 \
    || lintian_rc=$?
grep -v '^N: ' "$out/lintian.log" | grep -v 'running with root privileges' \
    || true
if [ $lintian_rc -ne 0 ] || grep -q '^E: ' "$out/lintian.log"; then
    echo "deb: lintian reports errors (exit status $lintian_rc)" >&2
    exit 1
fi

echo "deb: $(grep -c '^W: ' "$out/lintian.log" || true) lintian warning(s)," \
     "no error"
dpkg-deb --field "$apache_deb" Package Version Depends
dpkg-deb --field "$deb" Package Version Depends
echo "$deb"
