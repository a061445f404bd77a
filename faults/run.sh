#!/usr/bin/env bash
# make test-faults: Redis faults and nginx reloads under load, the loss
# audit and the summary (build/faults/summary.txt).  See faults/faults.py.
#
#   run.sh NGINX_BINARY MODULE_SO
#
# FAULTS_PORT (18490) and FAULTS_REDIS_PORT (16490) move nginx and Redis;
# FAULTS_CONCURRENCY (32), FAULTS_THINK (0.04 s between a client's requests)
# and FAULTS_MAX_REQUESTS (150000) bound the load.
set -uo pipefail

nginx=${1:-/usr/sbin/nginx}
module=${2:-build/debian/ngx_http_privacy_module.so}
top=$(cd "$(dirname "$0")/.." && pwd)
run=$top/build/faults/run

mkdir -p "$run"

# Whatever happens to the driver, nothing it started is left running: every
# pid it started or saw (Redis, nginx masters and workers) is in $run/pids.
# Only processes that still are nginx or redis-server are signalled.
cleanup() {
    local pid pids=() cmd
    stop_all
    rm -rf "/dev/shm/ngx-privacy-faults-${FAULTS_REDIS_PORT:-16490}"
}

stop_all() {
    local pid pids=() cmd
    [ -f "$run/pids" ] || return 0
    while read -r pid; do
        [ -n "$pid" ] || continue
        cmd=$({ tr "\0" " " <"/proc/$pid/cmdline"; } 2>/dev/null) || continue
        case $cmd in
            nginx:*|*/nginx\ *|redis-server*|*python3*/faults/faults.py*)
                pids+=("$pid") ;;
        esac
    done <"$run/pids"
    [ ${#pids[@]} -gt 0 ] || return 0
    for pid in "${pids[@]}"; do
        kill -CONT "$pid" 2>/dev/null
        kill -TERM "$pid" 2>/dev/null
    done
    for _ in $(seq 1 50); do
        local left=0
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && left=1
        done
        [ $left = 0 ] && return 0
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            echo "faults: killing $pid left running" >&2
            kill -KILL "$pid" 2>/dev/null
        fi
    done
}

driver=
on_signal() {
    [ -n "$driver" ] && kill -TERM "$driver" 2>/dev/null && wait "$driver"
    exit 130
}
trap cleanup EXIT
trap on_signal INT TERM HUP

command -v redis-server >/dev/null || { echo "faults: redis-server missing (make deps)" >&2; exit 1; }
[ -f "$module" ] || { echo "faults: $module missing (make build)" >&2; exit 1; }

timeout --signal=TERM --kill-after=10 300 \
    python3 "$top/faults/faults.py" "$nginx" "$module" &
driver=$!
wait "$driver"
