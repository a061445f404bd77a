#!/usr/bin/env bash
# make demo-apache: a Redis of its own and Apache httpd with mod_privacy,
# in the foreground, serving the demo site on http://127.0.0.1:8090/; the
# banner's buttons post to the consent endpoint, which records each
# decision in that Redis.  Ctrl-C (or SIGTERM) stops both.
#
#   run-apache.sh MOD_PRIVACY_SO
#
# DEMO_APACHE_PORT moves Apache to another port, DEMO_APACHE_REDIS_PORT
# Redis (default: a free port, so it runs beside make demo's), and
# DEMO_APACHE_DIR to another directory (default build/demo-apache).
set -euo pipefail

module=$(realpath "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=demo/redis.sh
source "$top/demo/redis.sh"
dir=${DEMO_APACHE_DIR:-$top/build/demo-apache}
port=${DEMO_APACHE_PORT:-8090}
redis_port=${DEMO_APACHE_REDIS_PORT:-$("$top/tools/free-port.pl")}

# never a server this demo did not start: a taken port is an error
for p in "DEMO_APACHE_PORT $port" "DEMO_APACHE_REDIS_PORT $redis_port"; do
    set -- $p
    if ! "$top/tools/free-port.pl" "$2"; then
        echo "demo-apache: port $2 ($1) is in use; set $1 to a free port" >&2
        exit 1
    fi
done

mkdir -p "$dir/conf" "$dir/logs" "$dir/redis"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/html" "$dir/app"
cp -r "$top/demo/html" "$dir/html"
# the pages speak of nginx: here it is Apache
sed -i -e 's/enforced by nginx/enforced by Apache httpd/' \
    -e 's/nginx inserted/mod_privacy inserted/' \
    -e 's/ngx_privacy_module demo/mod_privacy demo/' "$dir/html/index.html"
mkdir "$dir/app"
cat >"$dir/app/index.shtml" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The application</title></head>
<body>
<h1>What the application receives</h1>
<p>Cookie header as the application sees it:</p>
<pre id="received"><!--#echo var="HTTP_COOKIE" --></pre>
<p>It answered with a session cookie, an analytics cookie (_ga) and a
marketing cookie (_fbp). Until you consent, mod_privacy removes the last
two from this response and from every request that reaches it.</p>
<p><a href="/">Back to the demo site</a></p>
</body></html>
HTML

if [ ! -s "$dir/conf/privacy.key" ]; then
    (umask 077 && openssl rand -hex 32 >"$dir/conf/privacy.key")
fi

# as root Apache serves as www-data, which reads the files but not the key
user=
if [ "$(id -u)" = 0 ]; then
    user="User www-data
Group www-data"
fi

sed -e "s#@MODULE@#$module#g" -e "s#@PORT@#$port#g" -e "s#@DIR@#$dir#g" \
    -e "s#@REDIS_PORT@#$redis_port#g" \
    -e "s#@MODULES@#/usr/lib/apache2/modules#g" \
    "$top/demo/apache.conf.in" | awk -v user="$user" \
    '$0 == "@USER@" { print user; next } { print }' >"$dir/conf/httpd.conf"

apache2 -d "$dir" -f "$dir/conf/httpd.conf" -t

demo_redis_start demo-apache "$dir" "$redis_port"

stop() {
    trap - INT TERM EXIT
    [ -n "${apache_pid:-}" ] && kill -TERM "$apache_pid" 2>/dev/null \
        && wait "$apache_pid" 2>/dev/null
    demo_redis_stop
    echo
    echo "demo-apache: stopped Apache and Redis"
}
trap stop INT TERM EXIT

cat <<MSG

  The demo site on Apache httpd: http://127.0.0.1:$port/
  What the application receives: http://127.0.0.1:$port/app/
  The consent endpoint: http://127.0.0.1:$port/privacy/consent
    (curl -H 'Accept: application/json' gets the decision as JSON)
  The same page under a strict CSP: http://127.0.0.1:$port/strict/
  The tracking status resource: http://127.0.0.1:$port/.well-known/dnt/
  The records in Redis: redis-cli -p $redis_port XRANGE privacy:log - +

  Ctrl-C stops Apache and Redis.

MSG

apache2 -d "$dir" -f "$dir/conf/httpd.conf" -D FOREGROUND &
apache_pid=$!
wait "$apache_pid" || true
