#!/usr/bin/env bash
# make test-browser: starts the demo (demo/run.sh) on its own ports and in
# its own directory, drives Debian's Chromium headless against it with
# browser/test.js (playwright-core, no browser download), and stops nginx
# and Redis again, also when a check or the script itself fails.
#
#   run.sh NGINX_BINARY MODULE_SO
#
# Ports: BROWSER_PORT (18480), BROWSER_APP_PORT (18481), BROWSER_REDIS_PORT
# (16480).  The screenshots go to docs/images/.
set -euo pipefail

nginx=$1
module=$(realpath "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
port=${BROWSER_PORT:-18480}
app_port=${BROWSER_APP_PORT:-18481}
tp_port=${BROWSER_TP_PORT:-18482}
redis_port=${BROWSER_REDIS_PORT:-16480}
dir=$top/build/browser-demo
chromium=${CHROMIUM:-/usr/bin/chromium}

sudo=
if [ "$(id -u)" != 0 ]; then
    sudo=sudo
fi

# Debian's Chromium; Node.js and npm are the machine's (Node.js 20 or later)
if [ ! -x "$chromium" ]; then
    echo "browser: installing Debian's chromium"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "browser: installing nodejs and npm"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        nodejs npm >/dev/null
fi

# playwright-core (it never downloads a browser of its own) and axe-core
if [ ! -f "$top/browser/node_modules/playwright-core/package.json" ] \
        || [ "$top/browser/package-lock.json" \
             -nt "$top/browser/node_modules/.package-lock.json" ]; then
    echo "browser: npm ci (playwright-core, axe-core)"
    (cd "$top/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
        npm ci --no-audit --no-fund --loglevel=error)
fi

for p in "$port" "$app_port" "$tp_port"; do
    if curl -s -o /dev/null "http://127.0.0.1:$p/"; then
        echo "browser: port $p is taken; set BROWSER_PORT," \
             "BROWSER_APP_PORT and BROWSER_TP_PORT" >&2
        exit 1
    fi
done

if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    echo "browser: Redis port $redis_port is taken; set" \
         "BROWSER_REDIS_PORT" >&2
    exit 1
fi

# a fresh demo: no records, no key, no logs from an earlier run
rm -rf "$dir"
mkdir -p "$dir"

demo_pid=
test_pid=
stop() {
    trap - INT TERM EXIT
    if [ -n "$test_pid" ] && kill -0 "$test_pid" 2>/dev/null; then
        # node closes Chromium on SIGTERM (playwright's handler)
        kill -TERM "$test_pid" 2>/dev/null || true
        wait "$test_pid" 2>/dev/null || true
    fi
    if [ -n "$demo_pid" ]; then
        # demo/run.sh's own trap stops nginx (QUIT) and Redis
        kill -TERM "$demo_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$demo_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$demo_pid" 2>/dev/null || true
    fi
    # whatever is left of this run, by its pid files only
    if [ -f "$dir/logs/nginx.pid" ]; then
        kill -TERM "$(cat "$dir/logs/nginx.pid")" 2>/dev/null || true
    fi
    # the demo's Redis, by its pid file, only while it is that server
    pid=$(cat "$dir/redis/redis.pid" 2>/dev/null) || return 0
    case $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) in
        redis-server*:"$redis_port"*) kill -TERM "$pid" 2>/dev/null ;;
    esac
}
trap stop EXIT
trap 'exit 130' INT TERM

DEMO_DIR=$dir DEMO_PORT=$port DEMO_APP_PORT=$app_port DEMO_TP_PORT=$tp_port \
DEMO_REDIS_PORT=$redis_port \
    "$top/demo/run.sh" "$nginx" "$module" >"$dir/demo.log" 2>&1 &
demo_pid=$!

ready=
for _ in $(seq 1 100); do
    if ! kill -0 "$demo_pid" 2>/dev/null; then
        break
    fi
    if curl -s -o /dev/null "http://127.0.0.1:$port/" \
            && redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
        ready=1
        break
    fi
    sleep 0.1
done

if [ -z "$ready" ]; then
    echo "browser: the demo did not start:" >&2
    cat "$dir/demo.log" >&2
    echo "browser: 0 passed, 1 failed"
    exit 1
fi

echo "browser: demo on http://127.0.0.1:$port/ (Redis $redis_port)," \
     "$("$chromium" --version 2>/dev/null)"

# in the background, so that a signal reaches the trap at once
BROWSER_BASE=http://127.0.0.1:$port BROWSER_REDIS_PORT=$redis_port \
CHROMIUM=$chromium BROWSER_NGINX_LOG=$dir/demo.log \
BROWSER_TP_PORT=$tp_port BROWSER_TP_LOG=$dir/logs/thirdparty.log \
    timeout 150 node "$top/browser/test.js" &
test_pid=$!
status=0
wait "$test_pid" || status=$?
test_pid=

exit "$status"
