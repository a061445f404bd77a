-- The tracking cookies of bench/conf/privacy.inc (analytics ~^_ga _gid,
-- marketing _fbp IDE), for the Lua variant of the proxied page: a visitor
-- who has not consented gets none of them, in either direction.

local _M = {}

function _M.is_tracking(name)
    return name ~= nil
        and (name:sub(1, 3) == "_ga" or name == "_gid"
             or name == "_fbp" or name == "IDE")
end

return _M
