#!/usr/bin/env bash
# make demo: Redis and nginx with the module, in the foreground, serving the
# demo site on http://127.0.0.1:8080/.  Ctrl-C (or SIGTERM) stops both.
#
#   run.sh NGINX_BINARY MODULE_SO
#
# DEMO_PORT, DEMO_APP_PORT, DEMO_TP_PORT (the third party of /shop.html)
# and DEMO_REDIS_PORT move it to other ports and
# DEMO_DIR to another directory (default build/demo), so that a second copy,
# such as make test-browser's, can run beside the one a person is using.
set -euo pipefail

nginx=$1
module=$(realpath "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=demo/redis.sh
source "$top/demo/redis.sh"
dir=${DEMO_DIR:-$top/build/demo}
redis_port=${DEMO_REDIS_PORT:-16380}
port=${DEMO_PORT:-8080}
app_port=${DEMO_APP_PORT:-8081}
tp_port=${DEMO_TP_PORT:-8082}

# never a server this demo did not start: a taken port is an error
for p in "DEMO_PORT $port" "DEMO_APP_PORT $app_port" \
         "DEMO_TP_PORT $tp_port" "DEMO_REDIS_PORT $redis_port"; do
    set -- $p
    if ! "$top/tools/free-port.pl" "$2"; then
        echo "demo: port $2 ($1) is in use; set $1 to a free port" >&2
        exit 1
    fi
done

mkdir -p "$dir/conf" "$dir/logs" "$dir/redis"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/html"
cp -r "$top/demo/html" "$dir/html"
sed -i "s#@TP_PORT@#$tp_port#g" "$dir/html/shop.html"

if [ ! -s "$dir/conf/privacy.key" ]; then
    (umask 077 && openssl rand -hex 32 >"$dir/conf/privacy.key")
fi

sed -e "s#@MODULE@#$module#g" -e "s#@PORT@#$port#g" -e "s#@APP_PORT@#$app_port#g" \
    -e "s#@TP_PORT@#$tp_port#g" \
    -e "s#@REDIS_PORT@#$redis_port#g" -e "s#@DIR@#$dir#g" \
    "$top/demo/nginx.conf.in" >"$dir/conf/nginx.conf"

demo_redis_start demo "$dir" "$redis_port"

stop() {
    trap - INT TERM EXIT
    [ -n "${nginx_pid:-}" ] && kill -QUIT "$nginx_pid" 2>/dev/null \
        && wait "$nginx_pid" 2>/dev/null
    demo_redis_stop
    echo
    echo "demo: stopped nginx and Redis"
}
trap stop INT TERM EXIT

"$nginx" -p "$dir/" -c conf/nginx.conf -t -q

cat <<MSG

  The demo site: http://127.0.0.1:$port/
  What the application receives: http://127.0.0.1:$port/app/
  Privacy settings: http://127.0.0.1:$port/privacy/consent
    (curl -H 'Accept: application/json' gets the decision as JSON)
  The same page under a strict CSP: http://127.0.0.1:$port/strict/
  Third-party tags held back: http://127.0.0.1:$port/shop.html
    (their origin logs each hit in $dir/logs/thirdparty.log)
  The records in Redis: redis-cli -p $redis_port XRANGE privacy:log - +

  Ctrl-C stops nginx and Redis.

MSG

"$nginx" -p "$dir/" -c conf/nginx.conf -g 'daemon off;' &
nginx_pid=$!
wait "$nginx_pid" || true
