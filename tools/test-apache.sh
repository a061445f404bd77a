#!/usr/bin/env bash
# make test-apache: mod_privacy's Apache::Test suites (apache/t/*.t) against
# Debian's Apache httpd 2.4.
#
#   test-apache.sh MODULE [t/NNN-name.t ...]
#   APACHE_MPM=prefork test-apache.sh ...    under another MPM (or worker;
#                                            make test-apache APACHE_MPM=..)
#
# The suites run from a copy of apache/t in build/apache/test/t, where
# Apache::Test writes its httpd.conf and logs.  Apache::Test refuses to
# run as root (Apache would serve as root), so as root the copy belongs to
# nobody and the suites run as nobody; the test keys are copied there with
# mode 600.  Apache listens on APACHE_TEST_PORT, or on a free port (and
# the few after it, for the suites' virtual hosts) that
# tools/free-port.pl finds; the consent suites' Redis is
# tools/with-redis.sh's (TEST_NGINX_REDIS_PORT, and
# TEST_NGINX_DEAD_REDIS_PORT where none listens).  Apache::Test stops the
# server it started, by its pid file, when the suites end.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
module=$(cd "$(dirname "${1:?usage: test-apache.sh MODULE [t/FILE.t ...]}")" \
         && pwd)/$(basename "$1")
shift

mint=$top/build/unit/privacy-mint
[ -x "$mint" ] || { echo "test-apache: $mint missing (make -C unit mint)" >&2;
                    exit 1; }

work=$top/build/apache/test
rm -rf "$work"
mkdir -p "$work/t/keys"
cp -r "$top"/apache/t/. "$work/t/"
cp "$top"/t/keys/*.key "$work/t/keys/"
chmod 600 "$work"/t/keys/*.key

# a base port with the next ones free too (virtual hosts take base + n)
vhosts=4
port=${APACHE_TEST_PORT:-}
if [ -z "$port" ]; then
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$(perl "$top/tools/free-port.pl")
        ok=1
        for n in $(seq 1 $vhosts); do
            perl "$top/tools/free-port.pl" $((port + n)) || { ok=0; break; }
        done
        [ $ok = 1 ] && break
        port=
    done
    [ -n "$port" ] || { echo "test-apache: no free ports" >&2; exit 1; }
fi

run=()
if [ "$(id -u)" = 0 ]; then
    chown -R nobody:nogroup "$work"
    run=(runuser -u nobody --)
fi

cd "$work"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(t/*.t)
# the suites' names relative to the copy
args=("${args[@]#apache/}")

# Apache::Test inherits Debian's enabled modules from a file of our own:
# with the MPM of APACHE_MPM=event|worker|prefork in place of the one
# Debian enables, and without an installed mod_privacy (the package's
# privacy.load), which would be loaded instead of the one under test
mpm=${APACHE_MPM:-}
case $mpm in
    event|worker|prefork|'') ;;
    *) echo "test-apache: APACHE_MPM must be event, worker or prefork" >&2
       exit 2 ;;
esac
{
    echo "ServerRoot /etc/apache2"
    for load in /etc/apache2/mods-enabled/*.load; do
        case $load in
            */mpm_*.load)
                [ -z "$mpm" ] || continue
                mpm=$(basename "$load" .load)
                mpm=${mpm#mpm_}
                ;;
            */privacy.load) continue ;;
        esac
        echo "Include $load"
        [ ! -f "${load%.load}.conf" ] || echo "Include ${load%.load}.conf"
    done
    if [ -n "${APACHE_MPM:-}" ]; then
        echo "LoadModule mpm_${mpm}_module" \
             "/usr/lib/apache2/modules/mod_mpm_${mpm}.so"
    fi
} >"$work/t/inherit.conf"

echo "test-apache: Apache ($mpm MPM) on port $port, in $work"
"${run[@]}" env PRIVACY_MODULE="$module" \
    PERL5LIB="$top/t/inc${PERL5LIB:+:$PERL5LIB}" \
    TEST_NGINX_PRIVACY_MINT="$mint" \
    TEST_NGINX_REDIS_PORT="${TEST_NGINX_REDIS_PORT:?run under tools/with-redis.sh}" \
    TEST_NGINX_DEAD_REDIS_PORT="${TEST_NGINX_DEAD_REDIS_PORT:?run under tools/with-redis.sh}" \
    TEST_NGINX_REDIS_DIR="${TEST_NGINX_REDIS_DIR:-}" \
    TEST_NGINX_KEY_PRIMARY="$work/t/keys/primary.key" \
    TEST_NGINX_KEY_RETIRED="$work/t/keys/retired.key" \
    TEST_NGINX_KEY_UNKNOWN="$work/t/keys/unknown.key" \
    TEST_NGINX_KEY_SHORT="$work/t/keys/short.key" \
    perl t/TEST -httpd /usr/sbin/apache2 -apxs /usr/bin/apxs \
        -httpd_conf "$work/t/inherit.conf" -port "$port" "${args[@]}"
