#!/usr/bin/env bash
# make demo-apache: Apache httpd with mod_privacy, in the foreground,
# serving the demo site on http://127.0.0.1:8090/.  Ctrl-C (or SIGTERM)
# stops it.
#
#   run-apache.sh MOD_PRIVACY_SO
#
# DEMO_APACHE_PORT moves it to another port and DEMO_APACHE_DIR to another
# directory (default build/demo-apache).  The consent endpoint is not in
# mod_privacy yet: the banner's buttons post to /privacy/consent, which
# this demo does not serve (run make demo for the nginx module's).
set -euo pipefail

module=$(realpath "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${DEMO_APACHE_DIR:-$top/build/demo-apache}
port=${DEMO_APACHE_PORT:-8090}

# never a server this demo did not start: a taken port is an error
if ! "$top/tools/free-port.pl" "$port"; then
    echo "demo-apache: port $port is in use; set DEMO_APACHE_PORT to a" \
         "free port" >&2
    exit 1
fi

mkdir -p "$dir/conf" "$dir/logs"
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
    -e "s#@MODULES@#/usr/lib/apache2/modules#g" \
    "$top/demo/apache.conf.in" | awk -v user="$user" \
    '$0 == "@USER@" { print user; next } { print }' >"$dir/conf/httpd.conf"

apache2 -d "$dir" -f "$dir/conf/httpd.conf" -t

cat <<MSG

  The demo site on Apache httpd: http://127.0.0.1:$port/
  What the application receives: http://127.0.0.1:$port/app/
  The same page under a strict CSP: http://127.0.0.1:$port/strict/
  The tracking status resource: http://127.0.0.1:$port/.well-known/dnt/

  Ctrl-C stops Apache.

MSG

stop() {
    trap - INT TERM
    [ -n "${apache_pid:-}" ] && kill -TERM "$apache_pid" 2>/dev/null \
        && wait "$apache_pid" 2>/dev/null
    echo
    echo "demo-apache: stopped Apache"
}
trap stop INT TERM

apache2 -d "$dir" -f "$dir/conf/httpd.conf" -D FOREGROUND &
apache_pid=$!
wait "$apache_pid" || true
