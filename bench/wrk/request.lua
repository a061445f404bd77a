-- wrk -s bench/wrk/request.lua: one request, repeated.  bench.py passes it
-- in the environment: BENCH_METHOD (default GET), BENCH_BODY and
-- BENCH_HEADERS ("Name: value" lines).  No request()/response() function:
-- wrk sends the same pre-built request at full speed.

wrk.method = os.getenv("BENCH_METHOD") or "GET"

local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
    wrk.body = body
end

for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then
        wrk.headers[name] = value
    end
end
