#!/usr/bin/env bash
# Runs a command with a private Redis server on $TEST_NGINX_REDIS_PORT
# (default 16390), data under build/redis-test; stops it afterwards, also
# when the command fails.  The command's exit status is returned.
set -uo pipefail

port=${TEST_NGINX_REDIS_PORT:-16390}
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/redis-test-$port

rm -rf "$dir"
mkdir -p "$dir"

redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' \
    --appendonly no --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" >/dev/null

stop_redis() {
    if [ -f "$dir/redis.pid" ]; then
        kill -CONT "$(cat "$dir/redis.pid")" 2>/dev/null
        kill "$(cat "$dir/redis.pid")" 2>/dev/null
    fi
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
}
trap stop_redis EXIT

for _ in $(seq 1 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.05
done

export TEST_NGINX_REDIS_PORT=$port
export TEST_NGINX_REDIS_DIR=$dir
"$@"
