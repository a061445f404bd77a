#!/usr/bin/env bash
# Part of make test-asan (tools/asan.sh): nginx with its master process and
# two workers, the module on every path it has (banner, Cookie and
# Set-Cookie filtering of a proxied application, the consent endpoint
# recording to Redis, the tracking status resource), under a bounded wrk
# load on loopback, reloaded with SIGHUP during the load.  The suites run
# nginx without a master process, so this is what covers a reload: the
# module's configuration built again in the master, workers of two
# generations, the old ones closing their Redis connections as they exit.
#
#   asan-reload.sh NGINX MODULE SANITIZER_LOG_DIR
#
# Runs with a Redis on $TEST_NGINX_REDIS_PORT (tools/with-redis.sh) and
# nginx on $TEST_NGINX_PORT, with the sanitizer options asan.sh exports.
# ASAN_RELOADS (4) reloads, ASAN_RELOAD_SECONDS (16) seconds of load.
#
# Fails when the master dies, a reload brings no new workers, a worker
# exits on a signal, the error log has an [alert], [crit] or [emerg] line,
# a sanitizer writes a report, a request is lost or answered other than 2xx
# or 3xx, after the reloads a page has no banner, a tracking Set-Cookie
# passes or no consent was recorded, or the master does not exit cleanly
# on QUIT after the load.
set -uo pipefail

nginx=$1
module=$2
logs=$3
top=$(cd "$(dirname "$0")/.." && pwd)
binary=$(readlink -f "$nginx")
dir=$top/build/asan/reload
# nginx's port: the one given, checked, or a free one
port=${TEST_NGINX_PORT:-$("$top/tools/free-port.pl")}
if ! "$top/tools/free-port.pl" "$port"; then
    echo "asan-reload: port $port (TEST_NGINX_PORT) is in use" >&2
    exit 1
fi
redis_port=${TEST_NGINX_REDIS_PORT:?}
reloads=${ASAN_RELOADS:-4}
seconds=${ASAN_RELOAD_SECONDS:-16}
prefix="asan-reload:$$:"

master=
wrk_pid=
workers=()

fail() {
    local reports

    echo "asan-reload: $*" >&2
    if [ -f "$dir/logs/error.log" ]; then
        echo "---- $dir/logs/error.log (last lines)" >&2
        tail -20 "$dir/logs/error.log" >&2
    fi
    reports=$(find "$logs" -type f -newer "$dir/start" 2>/dev/null)
    if [ -n "$reports" ]; then
        echo "---- sanitizer reports of this run:" $reports >&2
    fi
    exit 1
}

# the workers of each generation, so that those of a master that died are
# not left running
note_workers() {
    workers+=($(pgrep -P "$master" -f '^nginx: worker process'))
}

# only what this script started: wrk, the master, and the workers it saw
# that are still this nginx
cleanup() {
    local pid

    [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null
    if [ -n "$master" ] && kill -0 "$master" 2>/dev/null; then
        kill -TERM "$master" 2>/dev/null
        wait "$master" 2>/dev/null
    fi
    for pid in "${workers[@]}"; do
        if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$binary" ]; then
            kill -TERM "$pid" 2>/dev/null
        fi
    done
    redis-cli -p "$redis_port" --scan --pattern "$prefix*" 2>/dev/null \
        | xargs -r redis-cli -p "$redis_port" del >/dev/null 2>&1
}
trap cleanup EXIT

command -v wrk >/dev/null || fail "wrk missing (make deps)"

rm -rf "$dir"
mkdir -p "$dir/conf" "$dir/logs" "$dir/tmp"
touch "$dir/start"

install -m 600 "$top/t/keys/primary.key" "$dir/conf/privacy.key"

user=
if [ "$(id -u)" -eq 0 ]; then
    user="user root;"
fi

cat >"$dir/conf/nginx.conf" <<EOF
load_module $module;

$user
worker_processes 2;
master_process on;
daemon off;
error_log $dir/logs/error.log notice;
pid $dir/logs/nginx.pid;

events {
    worker_connections 512;
}

http {
    access_log off;
    default_type text/html;

    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    privacy_redis 127.0.0.1:$redis_port prefix=$prefix;

    server {
        listen 127.0.0.1:$port;

        privacy on;
        privacy_policy_version asan-1;
        privacy_policy_url /privacy.html;
        privacy_secret $dir/conf/privacy.key;

        privacy_category necessary essential session;
        privacy_category analytics ~^_ga _gid;
        privacy_category marketing _fbp;

        location / {
            return 200 "<html><head></head><body>page</body></html>\n";
        }

        location /app/ {
            proxy_pass http://unix:$dir/logs/app.sock:/;
        }

        location /privacy/consent {
            privacy_consent_endpoint;
        }

        location = /.well-known/dnt/ {
            privacy_tracking_status_resource;
        }
    }

    # the application: sets a necessary and a tracking cookie
    server {
        listen unix:$dir/logs/app.sock;

        location / {
            add_header Set-Cookie "session=1; Path=/";
            add_header Set-Cookie "_ga=GA1.1.1; Path=/";
            return 200 "<html><body>app</body></html>\n";
        }
    }
}
EOF

consent=$("$TEST_NGINX_PRIVACY_MINT" --key-file "$dir/conf/privacy.key" \
          --policy asan-1 --grant analytics) || fail "privacy-mint failed"

cat >"$dir/load.lua" <<EOF
-- a fixed cycle of the module's request types; a new connection for each
-- request, so that a reload closing idle connections loses none
local consent = "privacy_consent=$consent"
local form = {
    ["Connection"] = "close",
    ["Origin"] = "http://127.0.0.1:$port",
    ["Content-Type"] = "application/x-www-form-urlencoded",
}
local close = { ["Connection"] = "close" }
local cycle, i = {}, 0

local function h(extra)
    local t = { ["Connection"] = "close" }
    for k, v in pairs(extra) do t[k] = v end
    return t
end

function init(args)
    cycle = {
        wrk.format("GET", "/", close),
        wrk.format("GET", "/", h({ ["Cookie"] = consent .. "; _ga=1" })),
        wrk.format("GET", "/app/", h({ ["Cookie"] = "session=2; _fbp=3" })),
        wrk.format("GET", "/app/", h({ ["Cookie"] = consent .. "; _gid=4" })),
        wrk.format("POST", "/privacy/consent", form, "action=accept_all"),
        wrk.format("POST", "/privacy/consent", form,
                   "action=save&category=analytics&return=/app/"),
        wrk.format("GET", "/privacy/consent", h({ ["Cookie"] = consent })),
        wrk.format("GET", "/.well-known/dnt/", h({ ["DNT"] = "1" })),
    }
end

function request()
    i = i % #cycle + 1
    return cycle[i]
end
EOF

# its own stdout and stderr: a worker left behind must not hold the caller's
"$nginx" -p "$dir" -e "$dir/logs/error.log" -c "$dir/conf/nginx.conf" \
    >"$dir/logs/stderr.log" 2>&1 &
master=$!

for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    kill -0 "$master" 2>/dev/null || fail "nginx did not start"
    sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$port/" \
    || fail "nginx does not answer on 127.0.0.1:$port"
note_workers

wrk -t1 -c8 -d"${seconds}s" -s "$dir/load.lua" "http://127.0.0.1:$port" \
    >"$dir/wrk.txt" 2>&1 &
wrk_pid=$!

# a reload every few seconds while the load runs; each must bring workers
# of a new generation (children named so: ASan's symbolizer is a child too)
gap=$(( seconds / (reloads + 1) ))
[ "$gap" -ge 1 ] || gap=1

for n in $(seq 1 "$reloads"); do
    sleep "$gap"
    kill -0 "$master" 2>/dev/null || fail "the master died before reload $n"
    old=$(pgrep -P "$master" -f '^nginx: worker process' | sort)
    kill -HUP "$master"

    new=
    for _ in $(seq 1 300); do
        kill -0 "$master" 2>/dev/null || fail "the master died at reload $n"
        new=$(pgrep -P "$master" -f '^nginx: worker process' | sort \
              | comm -13 <(echo "$old") -)
        [ -n "$new" ] && break
        sleep 0.1
    done
    [ -n "$new" ] || fail "reload $n brought no new workers in 30 s"
    note_workers
    echo "asan-reload: reload $n: new workers" $new
done

wait "$wrk_pid"
wrk_status=$?
wrk_pid=
cat "$dir/wrk.txt"
[ "$wrk_status" -eq 0 ] || fail "wrk failed (exit status $wrk_status)"

kill -0 "$master" 2>/dev/null || fail "the master died during the load"

requests=$(awk '/requests in/ { print $1 }' "$dir/wrk.txt")
[ -n "$requests" ] && [ "$requests" -gt 0 ] \
    || fail "no request completed under load"
grep -q 'Non-2xx or 3xx responses' "$dir/wrk.txt" \
    && fail "responses other than 2xx or 3xx under load"
grep -q 'Socket errors' "$dir/wrk.txt" \
    && fail "requests lost under load (socket errors)"

# after the reloads: pages get the banner, trackers are still expired,
# and consents are still recorded
curl -s "http://127.0.0.1:$port/" | grep -q 'privacy-banner' \
    || fail "no banner after the reloads"
headers=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/app/")
echo "$headers" | grep -qi '^Set-Cookie: session=1' \
    || fail "the necessary Set-Cookie is missing after the reloads"
echo "$headers" | grep -qi '^Set-Cookie: _ga=GA' \
    && fail "a tracking Set-Cookie passed after the reloads"
records=$(redis-cli -p "$redis_port" xlen "${prefix}log")
[ "${records:-0}" -gt 0 ] || fail "no consent recorded under load"
echo "asan-reload: $requests requests, $records consents recorded," \
     "$reloads reloads"

kill -QUIT "$master"
wait "$master"
status=$?
master=
[ "$status" -eq 0 ] || fail "the master exited with status $status on QUIT"

if grep -E '\[(alert|crit|emerg)\]|Sanitizer|runtime error' \
        "$dir/logs/error.log" "$dir/logs/stderr.log"; then
    fail "the lines above are alerts or sanitizer output"
fi

reports=$(find "$logs" -type f -newer "$dir/start" \
          \( -name 'asan.*' -o -name 'ubsan.*' \))
if [ -n "$reports" ]; then
    head -40 $reports >&2
    fail "sanitizer reports:" $reports
fi

echo "asan-reload: passed"
