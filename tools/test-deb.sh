#!/usr/bin/env bash
# make test-deb: the package the way a sysadmin uses it, on a machine where
# Debian's nginx is installed but not running.
#
#   1. apt-get install ./libnginx-mod-http-privacy_VERSION_ARCH.deb
#   2. the module is enabled the Debian way (modules-enabled link to the
#      load file in modules-available); nginx -t passes on the system's
#      configuration and on a temporary one that loads the module through
#      that link and includes the packaged example site
#   3. the same for libapache2-mod-privacy: installed, a2enmod'ed
#      (mods-enabled/privacy.load), apache2ctl configtest passes on the
#      system's configuration, and an Apache of its own, loading the module
#      through that link on a free port, answers one request with Tk and
#      the tracker's deletion
#   4. apt-get purge: no file, directory or link of the packages is left,
#      and neither nginx nor Apache was started on the way
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
apkg=libapache2-mod-privacy
adeb=$top/build/deb/${apkg}_${version}_$(dpkg --print-architecture).deb
aload=/etc/apache2/mods-available/privacy.load
aenabled=/etc/apache2/mods-enabled/privacy.load
aso=/usr/lib/apache2/modules/mod_privacy.so

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

apache_running() {
    [ -s /run/apache2/apache2.pid ] \
        && $sudo kill -0 "$(cat /run/apache2/apache2.pid)" 2>/dev/null
}

[ -f "$deb" ] || fail "$deb is missing (make deb)"
[ -f "$adeb" ] || fail "$adeb is missing (make deb)"
[ -x /usr/sbin/apache2 ] || fail "Debian's apache2 is not installed" \
                                 "(make deps-deb)"
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
if dpkg-query -W -f='${Status}' "$apkg" 2>/dev/null | grep -qv 'not-installed'
then
    fail "$apkg is installed already; this test installs and purges it"
fi
if apache_running; then
    fail "the system's Apache is running; installing the package would" \
         "restart it with the module: run this where Apache is not running"
fi
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
            "$pkg" "$apkg" >/dev/null 2>&1 || true
    fi
    if [ -s "$work/apache/httpd.pid" ]; then
        $sudo kill "$(cat "$work/apache/httpd.pid")" 2>/dev/null || true
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

# 3. the Apache package: a2enmod'ed, configtest, one request

apt_get install --no-install-recommends "$adeb" >"$work/ainstall.log" 2>&1 \
    || { cat "$work/ainstall.log" >&2; fail "apt-get install $adeb"; }
dpkg-query -W -f='${Status}' "$apkg" | grep -q 'install ok installed' \
    || fail "dpkg does not list $apkg as installed"
ok "apt-get install $(basename "$adeb")"

[ -f "$aso" ] || fail "$aso missing"
[ "$(cat "$aload")" = "LoadModule privacy_module $aso" ] \
    || fail "$aload: $(cat "$aload")"
[ "$(readlink "$aenabled")" = ../mods-available/privacy.load ] \
    || fail "$aenabled is not a2enmod's link to $aload"
ok "module and load file installed, enabled (a2enmod privacy)"

$sudo apache2ctl configtest >"$work/aconfigtest.log" 2>&1 \
    || { cat "$work/aconfigtest.log" >&2; fail "apache2ctl configtest"; }
grep -q 'Syntax OK' "$work/aconfigtest.log" \
    || fail "apache2ctl configtest: $(cat "$work/aconfigtest.log")"
ok "apache2ctl configtest on the system's configuration, module enabled"

# an Apache of its own, on a free port, through the mods-enabled link
port=$(perl "$top/tools/free-port.pl")
a=$work/apache
mkdir -p "$a/htdocs"
echo '<p>hello</p>' >"$a/htdocs/index.html"
(umask 077 && openssl rand -hex 32 >"$a/privacy.key")
cat >"$a/httpd.conf" <<CONF
ServerRoot $a
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
Include $aenabled
User nobody
Group nogroup
Listen 127.0.0.1:$port
ServerName localhost
PidFile $a/httpd.pid
ErrorLog $a/error.log
DocumentRoot $a/htdocs
<Directory $a/htdocs>
    Require all granted
</Directory>

Privacy On
PrivacyPolicyVersion 2018-04
PrivacySecret $a/privacy.key
PrivacyCategory analytics ~^_ga
CONF
chmod -R a+rX "$a"
$sudo chown nobody "$a/privacy.key"

$sudo /usr/sbin/apache2 -f "$a/httpd.conf" -k start >"$a/start.log" 2>&1 \
    || { cat "$a/start.log" "$a/error.log" >&2; fail "apache2 -k start"; }
for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
done
curl -s -D "$a/headers" -o "$a/body" -H 'Cookie: _ga=GA1.2.3' \
    "http://127.0.0.1:$port/index.html" \
    || fail "no answer from the test Apache on port $port"
$sudo /usr/sbin/apache2 -f "$a/httpd.conf" -k stop >/dev/null 2>&1 || true
for _ in $(seq 1 50); do
    [ -s "$a/httpd.pid" ] || break
    sleep 0.1
done
grep -qi '^Tk: N' "$a/headers" \
    || fail "no Tk: N from the packaged module: $(cat "$a/headers")"
grep -qi '^Set-Cookie: _ga=;' "$a/headers" \
    || fail "the tracker was not expired: $(cat "$a/headers")"
ok "one request to an Apache loading the packaged module: Tk N," \
   "the tracker expired"

apache_running && fail "installing the package started Apache"

# 4. purge: nothing is left

dpkg-query -L "$pkg" "$apkg" >"$work/files"
echo "$enabled" >>"$work/files"
echo "$aenabled" >>"$work/files"

apt_get purge "$pkg" "$apkg" >"$work/purge.log" 2>&1 \
    || { cat "$work/purge.log" >&2; fail "apt-get purge $pkg $apkg"; }
installed=0

for p in "$pkg" "$apkg"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -qv 'not-installed'; then
        fail "dpkg still lists $p: $(dpkg-query -W -f='${Status}' "$p")"
    fi
done

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
apache_running && fail "installing or purging the package started Apache"
ok "neither nginx nor Apache was started"

echo "test-deb: $passed passed, 0 failed"
