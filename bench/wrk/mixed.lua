-- wrk -s bench/wrk/mixed.lua: the memory run.  A fixed cycle of request
-- types against the "mixed" server (bench/conf/mixed.conf), stopping after
-- BENCH_LIMIT responses.  bench.py passes the cookies in BENCH_CONSENT
-- (a valid consent cookie) and BENCH_TRACKERS (eight cookies, four of
-- them tracking).

local consent = os.getenv("BENCH_CONSENT")
local trackers = os.getenv("BENCH_TRACKERS")
local origin = os.getenv("BENCH_ORIGIN")
local limit = tonumber(os.getenv("BENCH_LIMIT") or "1000000")

local form = {
    ["Origin"] = origin,
    ["Content-Type"] = "application/x-www-form-urlencoded",
}

local cycle

function init(args)
    cycle = {
        wrk.format("GET", "/", { ["Cookie"] = consent }),
        wrk.format("GET", "/"),                             -- banner
        wrk.format("GET", "/app/", { ["Cookie"] = trackers }),
        wrk.format("GET", "/", { ["Cookie"] = consent }),
        wrk.format("GET", "/?utm_source=bench&x=<y>"),        -- banner
        wrk.format("POST", "/privacy/consent", form, "action=accept_all"),
        wrk.format("GET", "/", { ["Cookie"] = consent .. "; _ga=1" }),
        wrk.format("GET", "/app/", { ["Cookie"] = trackers .. "; " .. consent }),
        wrk.format("GET", "/.well-known/dnt/", { ["DNT"] = "1" }),
        wrk.format("GET", "/privacy/consent", { ["Cookie"] = consent }),
        wrk.format("POST", "/privacy/consent", form,
                   "action=save&category=analytics&return=/app/"),
        wrk.format("GET", "/privacy/consent/banner.css"),
    }
end

local i, responses = 0, 0

function request()
    i = i % #cycle + 1
    return cycle[i]
end

function response(status, headers, body)
    responses = responses + 1
    if responses >= limit then
        wrk.thread:stop()
    end
end
