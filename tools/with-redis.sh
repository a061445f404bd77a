#!/usr/bin/env bash
# Runs a command with a private Redis server and stops that server again,
# also when the command fails.  The command's exit status is returned.
#
#   with-redis.sh COMMAND [ARGS...]
#
# TEST_NGINX_REDIS_PORT       the server's port.  Unset: a free one is
#                             picked.  Set, and something already listens
#                             there: the run fails at once, naming the
#                             port; a server this run did not start is
#                             never used, nor stopped.
# TEST_NGINX_DEAD_REDIS_PORT  a port where no Redis listens (t/031); a free
#                             one is picked when unset, checked when set.
#
# The command sees both, and TEST_NGINX_REDIS_DIR: the server's data,
# redis.pid and redis.log, under build/redis-test-PORT (removed afterwards
# unless the command failed).  The server runs as this script's child and
# is stopped by that pid only.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
free_port="$top/tools/free-port.pl"

redis_pid=
dir=


# running, not a zombie: the server is our child until wait reaps it
alive() {
    local state

    state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}


stop_redis() {
    [ -n "$redis_pid" ] || return 0

    # SIGCONT first: a suite may have paused it (SIGSTOP)
    kill -CONT "$redis_pid" 2>/dev/null
    kill -TERM "$redis_pid" 2>/dev/null
    for _ in $(seq 1 200); do
        alive "$redis_pid" || break
        sleep 0.05
    done
    alive "$redis_pid" && kill -KILL "$redis_pid" 2>/dev/null
    wait "$redis_pid" 2>/dev/null
    redis_pid=
}


# start_redis PORT: our own server on PORT, answering PING as the process
# we started (INFO's process_id); fails if it exits or never answers
start_redis() {
    local port=$1 id

    dir=$top/build/redis-test-$port
    rm -rf "$dir"
    mkdir -p "$dir"

    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' \
        --appendonly no --daemonize no --pidfile "$dir/redis.pid" \
        --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
    redis_pid=$!

    for _ in $(seq 1 200); do
        if ! alive "$redis_pid"; then
            wait "$redis_pid" 2>/dev/null
            redis_pid=
            # kept for its log, if it wrote one
            [ -s "$dir/redis.log" ] || rm -rf "$dir"
            return 1
        fi
        id=$(redis-cli -p "$port" INFO server 2>/dev/null \
             | sed -n 's/^process_id:\([0-9]*\).*/\1/p')
        if [ "$id" = "$redis_pid" ] \
                && [ "$(cat "$dir/redis.pid" 2>/dev/null)" = "$redis_pid" ]
        then
            return 0
        fi
        sleep 0.05
    done

    stop_redis
    return 1
}


trap stop_redis EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ $# -eq 0 ]; then
    echo "usage: with-redis.sh COMMAND [ARGS...]" >&2
    exit 2
fi

if ! command -v redis-server >/dev/null; then
    echo "with-redis: redis-server is not installed (make deps)" >&2
    exit 1
fi

dead=${TEST_NGINX_DEAD_REDIS_PORT:-}
if [ -n "$dead" ] && ! "$free_port" "$dead"; then
    echo "with-redis: port $dead (TEST_NGINX_DEAD_REDIS_PORT) must be one" \
         "where nothing listens, and something does" >&2
    exit 1
fi

if [ -n "${TEST_NGINX_REDIS_PORT:-}" ]; then
    port=$TEST_NGINX_REDIS_PORT
    if ! "$free_port" "$port"; then
        echo "with-redis: port $port (TEST_NGINX_REDIS_PORT) is in use by" \
             "a server this run did not start; set TEST_NGINX_REDIS_PORT" \
             "to a free port, or unset it to have one picked" >&2
        exit 1
    fi
    if ! start_redis "$port"; then
        echo "with-redis: Redis did not start on port $port" \
             "(TEST_NGINX_REDIS_PORT); $dir/redis.log:" >&2
        tail -5 "$dir/redis.log" >&2 2>/dev/null
        exit 1
    fi
else
    # another process may take the picked port before Redis binds it
    started=0
    for _ in 1 2 3; do
        port=$("$free_port") || exit 1
        if start_redis "$port"; then
            started=1
            break
        fi
    done
    if [ $started = 0 ]; then
        echo "with-redis: Redis did not start (last port $port);" \
             "$dir/redis.log:" >&2
        tail -5 "$dir/redis.log" >&2 2>/dev/null
        exit 1
    fi
fi

# the dead port is picked once ours is known, to differ from it
if [ -z "$dead" ]; then
    dead=$("$free_port") || exit 1
    while [ "$dead" = "$port" ]; do
        dead=$("$free_port") || exit 1
    done
fi

export TEST_NGINX_REDIS_PORT=$port
export TEST_NGINX_REDIS_DIR=$dir
export TEST_NGINX_DEAD_REDIS_PORT=$dead

"$@"
status=$?
stop_redis
# the data and log are kept when the command failed
if [ $status -eq 0 ]; then
    rm -rf "$dir"
else
    echo "with-redis: the Redis log: $dir/redis.log" >&2
fi
exit $status
