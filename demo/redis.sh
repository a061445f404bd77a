# Sourced by demo/run.sh and demo/run-apache.sh: the demo's own Redis.
#
#   demo_redis_start NAME DIR PORT
#
# starts redis-server on 127.0.0.1:PORT with its files in DIR/redis (an
# append-only file, so that the records outlive a restart) and waits until
# it runs; demo_redis_pid prints its pid only while that process is still
# the server this demo started, so that stopping never hits another one.

demo_redis_pid() {
    local pid

    pid=$(cat "$demo_redis_dir/redis.pid" 2>/dev/null) || return 1
    case $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) in
        redis-server*:"$demo_redis_port"*) echo "$pid" ;;
        *) return 1 ;;
    esac
}

demo_redis_start() {
    demo_redis_dir=$2/redis
    demo_redis_port=$3

    rm -f "$demo_redis_dir/redis.pid"
    redis-server --port "$demo_redis_port" --bind 127.0.0.1 \
        --dir "$demo_redis_dir" --appendonly yes --save '' --daemonize yes \
        --pidfile "$demo_redis_dir/redis.pid" \
        --logfile "$demo_redis_dir/redis.log"

    for _ in $(seq 1 100); do
        demo_redis_pid >/dev/null && return 0
        sleep 0.05
    done

    echo "$1: Redis did not start on $demo_redis_port;" \
         "$demo_redis_dir/redis.log:" >&2
    tail -5 "$demo_redis_dir/redis.log" >&2
    exit 1
}

# stops the Redis demo_redis_start started, if it still runs
demo_redis_stop() {
    local pid

    pid=$(demo_redis_pid) && kill -TERM "$pid" 2>/dev/null
    return 0
}
