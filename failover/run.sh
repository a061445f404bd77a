#!/usr/bin/env bash
# make test-failover: consent records through a Redis Sentinel failover on
# loopback (failover/failover.py); about 80 s.  Writes
# build/summary-failover.txt.
#
#   run.sh NGINX_BINARY MODULE_SO
#
# FAILOVER_PHASES ("wait nowait sentinels"), FAILOVER_CLIENTS (6),
# FAILOVER_THINK (0.02 s) and FAILOVER_SECONDS (10 per phase) bound it.
set -uo pipefail

nginx=${1:-/usr/sbin/nginx}
module=${2:-build/debian/ngx_http_privacy_module.so}
top=$(cd "$(dirname "$0")/.." && pwd)
run=$top/build/failover

# whatever happens to the driver, what it started is stopped: the pids it
# wrote, and only while they still are nginx or redis-server
cleanup() {
    local pid cmd
    [ -f "$run/pids" ] || return 0
    while read -r pid; do
        [ -n "$pid" ] || continue
        cmd=$({ tr "\0" " " <"/proc/$pid/cmdline"; } 2>/dev/null) || continue
        case $cmd in
            nginx:*|redis-server*|redis-sentinel*)
                kill -TERM "$pid" 2>/dev/null ;;
        esac
    done <"$run/pids"
}

driver=
on_signal() {
    [ -n "$driver" ] && kill -TERM "$driver" 2>/dev/null && wait "$driver"
    exit 130
}
trap cleanup EXIT
trap on_signal INT TERM HUP

command -v redis-server >/dev/null \
    || { echo "failover: redis-server missing (make deps)" >&2; exit 1; }
[ -f "$module" ] \
    || { echo "failover: $module missing (make build)" >&2; exit 1; }

timeout --signal=TERM --kill-after=10 300 \
    python3 "$top/failover/failover.py" "$nginx" "$module" &
driver=$!
wait "$driver"
