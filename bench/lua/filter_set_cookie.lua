-- header_filter_by_lua_file: the application's Set-Cookie headers without
-- the tracking cookies.

local tracking = require "tracking"

local set = ngx.header["Set-Cookie"]
if not set then
    return
end

if type(set) == "string" then
    set = { set }
end

local kept, n = {}, 0

for _, v in ipairs(set) do
    if not tracking.is_tracking(v:match("^%s*([^=%s]+)")) then
        n = n + 1
        kept[n] = v
    end
end

if n ~= #set then
    ngx.header["Set-Cookie"] = n > 0 and kept or nil
end
