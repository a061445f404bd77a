-- access_by_lua_file: the Cookie header sent on to the application
-- without the tracking cookies.

local tracking = require "tracking"

local cookie = ngx.var.http_cookie
if not cookie then
    return
end

local kept, n, dropped = {}, 0, false

for pair in cookie:gmatch("[^;]+") do
    local name = pair:match("^%s*([^=%s]+)")
    if tracking.is_tracking(name) then
        dropped = true
    else
        n = n + 1
        kept[n] = pair:match("^%s*(.-)%s*$")
    end
end

if dropped then
    ngx.req.set_header("Cookie", n > 0 and table.concat(kept, "; ") or nil)
end
