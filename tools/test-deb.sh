#!/usr/bin/env bash
# make test-deb: the package the way a sysadmin uses it, on a machine where
# Debian's nginx is installed but not running.
#
#   1. apt-get install ./libnginx-mod-http-privacy_VERSION_ARCH.deb
#   2. the module is enabled the Debian way (modules-enabled link to the
#      load file in modules-available); nginx -t passes on the system's
#      configuration and on a temporary one that loads the module through
#      that link and includes the packaged example site
#   3. apt-get purge: no file, directory or link of the package is left,
#      and nginx was not started on the way
#
# Refuses to run where the package or a `make install` copy is installed,
# or where the system's nginx is running (the package's trigger would
# reload it with the module).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pkg=libnginx-mod-http-privacy
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
deb=$top/build/deb/${pkg}_${version}_$(dpkg --print-architecture).deb
available=/usr/share/nginx/modules-available/mod-http-privacy.conf
enabled=/etc/nginx/modules-enabled/50-mod-http-privacy.conf
so=/usr/lib/nginx/modules/ngx_http_privacy_module.so
example=/usr/share/doc/$pkg/examples/privacy-site.conf

sudo=
if [ "$(id -u)" != 0 ]; then
    sudo=sudo
fi

fail() {
    echo "test-deb: FAIL: $*" >&2
    exit 1
}

passed=0
ok() {
    passed=$((passed + 1))
    echo "test-deb: ok $passed: $*"
}

nginx_running() {
    [ -s /run/nginx.pid ] && $sudo kill -0 "$(cat /run/nginx.pid)" 2>/dev/null
}

[ -f "$deb" ] || fail "$deb is missing (make deb)"
[ -x /usr/sbin/nginx ] || fail "Debian's nginx is not installed (make deps)"

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qv 'not-installed'
then
    fail "$pkg is installed already; this test installs and purges it"
fi
for f in "$so" "$available" "$enabled" "$enabled.removed"; do
    if [ -e "$f" ] || [ -L "$f" ]; then
        fail "$f exists (make install? make uninstall removes it)"
    fi
done
if nginx_running; then
    fail "the system's nginx is running; installing the package reloads" \
         "it with the module: run this where nginx is not running"
fi

work=$(mktemp -d)
installed=0
cleanup() {
    if [ $installed = 1 ]; then
        echo "test-deb: purging $pkg after a failure"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq \
            "$pkg" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

apt_get() {
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get -y -qq \
        -o Dpkg::Use-Pty=0 "$@"
}

# 1. install

installed=1
apt_get install --no-install-recommends "$deb" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "apt-get install $deb"; }
dpkg-query -W -f='${Status}' "$pkg" | grep -q 'install ok installed' \
    || fail "dpkg does not list $pkg as installed"
ok "apt-get install $(basename "$deb")"

# 2. enabled the Debian way, and nginx loads it

[ -f "$so" ] || fail "$so missing"
[ "$(cat "$available")" = "load_module modules/ngx_http_privacy_module.so;" ] \
    || fail "$available: $(cat "$available")"
[ "$(readlink "$enabled")" = "$available" ] \
    || fail "$enabled is not a link to $available"
[ -f "$example" ] || fail "$example missing"
ok "module, load file, modules-enabled link and example installed"

$sudo /usr/sbin/nginx -t >"$work/stock.log" 2>&1 \
    || { cat "$work/stock.log" >&2; fail "nginx -t (system configuration)"; }
ok "nginx -t on the system's configuration, with the module enabled"

# the example site as a sysadmin would use it, with a key of its own
(umask 077 && openssl rand -hex 32 >"$work/privacy.key")
sed "s#/etc/nginx/privacy.key#$work/privacy.key#" "$example" \
    >"$work/privacy-site.conf"
cat >"$work/nginx.conf" <<CONF
include $enabled;

pid $work/nginx.pid;
error_log $work/error.log;

events {
}

http {
    include $work/privacy-site.conf;
}
CONF

$sudo /usr/sbin/nginx -t -c "$work/nginx.conf" \
    >"$work/example.log" 2>&1 \
    || { cat "$work/example.log" >&2; fail "nginx -t with the example"; }
grep -q 'test is successful' "$work/example.log" \
    || fail "nginx -t with the example: $(cat "$work/example.log")"
ok "nginx -t with $example"

# and the same configuration without the module fails: the test above
# did depend on the package's load file
sed -i "s#^include $enabled;#\\# no module#" "$work/nginx.conf"
if $sudo /usr/sbin/nginx -t -c "$work/nginx.conf" \
        >"$work/without.log" 2>&1; then
    fail "nginx -t passes with the example and no module"
fi
grep -q 'unknown directive "privacy_redis"' "$work/without.log" \
    || fail "nginx -t without the module: $(cat "$work/without.log")"
ok "without the load file, nginx -t refuses the example"

nginx_running && fail "installing the package started nginx"

# 3. purge: nothing is left

dpkg-query -L "$pkg" >"$work/files"
echo "$enabled" >>"$work/files"

apt_get purge "$pkg" >"$work/purge.log" 2>&1 \
    || { cat "$work/purge.log" >&2; fail "apt-get purge $pkg"; }
installed=0

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
        | grep -qv 'not-installed'; then
    fail "dpkg still lists $pkg: $(dpkg-query -W -f='${Status}' "$pkg")"
fi

left=()
while read -r f; do
    [ -n "$f" ] && [ "$f" != /. ] || continue
    if [ -L "$f" ] || [ -f "$f" ]; then
        left+=("$f")
    elif [ -d "$f" ] && ! dpkg-query -S "$f" >/dev/null 2>&1; then
        # a directory may stay only where another package owns it
        left+=("$f/")
    fi
done <"$work/files"
for f in "$enabled.removed"; do
    if [ -e "$f" ] || [ -L "$f" ]; then
        left+=("$f")
    fi
done

if [ ${#left[@]} -gt 0 ]; then
    printf 'test-deb: left after purge: %s\n' "${left[@]}" >&2
    fail "the purge left ${#left[@]} path(s)"
fi
ok "apt-get purge left none of the package's $(wc -l <"$work/files") paths"

nginx_running && fail "installing or purging the package started nginx"
ok "nginx was not started"

echo "test-deb: $passed passed, 0 failed"
