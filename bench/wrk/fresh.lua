-- wrk -s bench/wrk/fresh.lua: the proxied request of bench/wrk/request.lua
-- (BENCH_HEADERS), with a Cookie header that differs from the previous
-- ones in its values' lengths: a new visitor each request, whose header
-- nothing a worker could have kept of earlier ones would fit.  The same
-- headers as bench.py's fresh_cookies(i), in the same order.

-- the method, body and headers, as bench/wrk/request.lua sets them
dofile(os.getenv("BENCH_WRK") .. "/request.lua")

local i = 0

-- three value lengths from 7 values each: 343 headers, 19 lengths, the
-- same length on average as the fixed eight cookies
local function fresh_cookies(n)
    local a = 7 + n % 7
    local b = 6 + math.floor(n / 7) % 7
    local c = 7 + math.floor(n / 49) % 7
    return "_ga=GA1.2." .. string.rep("1", a) .. ".1700000000; "
        .. "_gid=GA1.2." .. string.rep("9", b) .. ".1700000000; "
        .. "_fbp=fb.1.1700000000000." .. string.rep("2", c) .. "; "
        .. "IDE=AHWqTUkX3pQ9z7LrYcB2; "
        .. "PHPSESSID=8f3c2a9d7e1b4c6a5f0e9d8c7b6a5f4e; "
        .. "csrftoken=Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9F; "
        .. "lang=en-GB; theme=dark"
end

-- wrk.headers, with Host, and the Cookie of the next visitor
request = function()
    wrk.headers["Cookie"] = fresh_cookies(i)
    i = i + 1
    return wrk.format()
end
