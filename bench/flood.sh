#!/usr/bin/env bash
# A flood of consent decisions from one client address, with and without
# limit_req: what it does to Redis (docs/deployment.md, "Rate limiting the
# consent endpoint").
#
#   bench/flood.sh NGINX MODULE_SO [SECONDS]
#
# Starts its own Redis (maxmemory 100mb, noeviction, as docs/redis.md
# recommends) and nginx (one worker) on FLOOD_REDIS_PORT (16493) and
# FLOOD_PORT (2031) to FLOOD_PORT + 2: a server without limit_req, one
# with the recommended limit_req and one with it at its default log
# level.  Runs wrk (FLOOD_CONNECTIONS, 16) for SECONDS (10) against each,
# sampling Redis's used_memory every second, and stops Redis and nginx
# again by their pids.  Every request is a reject_all from a script with
# the largest request fields a record keeps: a Host of 255 bytes and a
# User-Agent of 256.  Then the memory one record takes in Redis, written
# directly, for a browser's Host and User-Agent and for Host headers of 9,
# 255 and 8000 bytes (what a record took before the Host was checked).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
nginx=$1
module=$(realpath "$2")
seconds=${3:-10}
port=${FLOOD_PORT:-2031}
rport=${FLOOD_REDIS_PORT:-16493}
conns=${FLOOD_CONNECTIONS:-16}
dir=$top/build/flood

rm -rf "$dir"
mkdir -p "$dir/logs"

cli() { redis-cli -p "$rport" "$@"; }

stop() {
    [ -f "$dir/logs/nginx.pid" ] && kill -QUIT "$(cat "$dir/logs/nginx.pid")"
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")"
    true
}
trap stop EXIT

redis-server --port "$rport" --bind 127.0.0.1 --dir "$dir" --save '' \
    --appendonly no --maxmemory 100mb --maxmemory-policy noeviction \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    >/dev/null

key=$dir/privacy.key
(umask 077; openssl rand -hex 32 > "$key")

server() {
    cat <<EOF
    server {
        listen 127.0.0.1:$1;
        privacy on;
        privacy_policy_version 2018-04;
        privacy_secret $key;
        privacy_category necessary essential session;
        privacy_category analytics ~^_ga _gid;
        privacy_category marketing _fbp;

        location /privacy/consent {
            $2
            privacy_consent_endpoint;
        }
    }
EOF
}

cat > "$dir/nginx.conf" <<EOF
load_module $module;
worker_processes 1;
error_log $dir/logs/error.log warn;
pid $dir/logs/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    privacy_redis 127.0.0.1:$rport prefix=flood:;

    map \$request_method \$privacy_consent_client {
        POST    \$binary_remote_addr;
        DELETE  \$binary_remote_addr;
        default "";
    }
    limit_req_zone \$privacy_consent_client zone=consent:10m rate=10r/m;
    limit_req_zone \$privacy_consent_client zone=logged:10m rate=10r/m;
    limit_req_status 429;

$(server "$port" "")
$(server "$((port + 1))" "limit_req zone=consent burst=20 nodelay;
            limit_req_log_level info;")
$(server "$((port + 2))" "limit_req zone=logged burst=20 nodelay;")
}
EOF

for _ in $(seq 1 100); do
    cli ping >/dev/null 2>&1 && break
    sleep 0.05
done

"$nginx" -p "$dir" -c "$dir/nginx.conf"
sleep 0.5

used() { cli info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }

host=$(printf 'h%.0s' $(seq 1 250)):$port
ua=$(printf 'u%.0s' $(seq 1 256))

flood() {
    local slug=$1 name=$2 p=$3 base log0 out i
    cli flushall >/dev/null
    base=$(used)
    log0=$(stat -c %s "$dir/logs/error.log")

    (for i in $(seq 1 "$seconds"); do sleep 1; echo "$i $(used)"; done) \
        > "$dir/$slug.samples" &

    out=$(BENCH_METHOD=POST BENCH_BODY=action=reject_all \
          BENCH_HEADERS=$(printf '%s\n' "Host: ${host%:*}:$p" \
              "User-Agent: $ua" "Sec-Fetch-Site: same-origin" \
              "Accept: application/json" \
              "Content-Type: application/x-www-form-urlencoded") \
          wrk -t1 -c"$conns" -d"${seconds}s" \
              -s "$top/bench/wrk/request.lua" \
              "http://127.0.0.1:$p/privacy/consent")
    wait

    echo "== $name: $seconds s, $conns connections, one address"
    echo "$out" | grep -E 'Requests/sec|requests in|Non-2xx'
    echo "records in Redis: $(cli xlen flood:log)"
    echo "used_memory: $base bytes at the start, then per second:"
    sed 's/^/  /' "$dir/$slug.samples"
    echo "error log: $(( $(stat -c %s "$dir/logs/error.log") - log0 )) bytes"
    echo
}

flood open "without limit_req" "$port"
flood limited "with limit_req (10r/m, burst=20, nodelay), log level info" \
    "$((port + 1))"
flood logged "the same, refusals logged at limit_req's default level" \
    "$((port + 2))"

# one record, written as the module writes it, per Host and User-Agent
# length
record_memory() {
    local hlen=$1 ualen=$2 n=1000 base
    cli flushall >/dev/null
    base=$(used)
    perl -e '
        my ($hlen, $ualen, $n) = @ARGV;
        my @f = (id => "a" x 32, action => "reject_all", granted => "",
                 refused => "analytics,marketing", policy => "2018-04",
                 time_ms => "1795925321281", banner_sha256 => "b" x 64,
                 source => "script", host => "h" x $hlen,
                 addr => "192.0.2.0", ua => "u" x $ualen,
                 replaces => "");
        sub cmd { my $s = "*" . @_ . "\r\n";
                  $s .= "\$" . length($_) . "\r\n$_\r\n" for @_; $s }
        for my $i (1 .. $n) {
            $f[1] = sprintf "%032x", $i;
            print cmd("XADD", "flood:log", "*", @f),
                  cmd("HSET", "flood:consent:$f[1]", @f),
                  cmd("PEXPIRE", "flood:consent:$f[1]", "94608000000");
        }' "$hlen" "$ualen" "$n" | cli --pipe >/dev/null
    echo "Host of $hlen bytes, User-Agent of $ualen:" \
         "$(( ($(used) - base) / n )) bytes per record"
}

echo "== memory per record"
record_memory 15 120
record_memory 9 256
record_memory 255 256
record_memory 8000 256
