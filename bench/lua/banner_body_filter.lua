-- body_filter_by_lua_file: the banner (bench_banner, read by
-- init_by_lua_block) inserted before "</body>", case-insensitively, in one
-- streaming pass like the module's body_end: each buffer goes on at once,
-- but for the last bytes that may start a "</body" split across buffers.

local ctx = ngx.ctx
if ctx.done then
    return
end

local chunk, eof = ngx.arg[1], ngx.arg[2]

if ctx.held then
    chunk = ctx.held .. chunk
    ctx.held = nil
end

local from = ngx.re.find(chunk, "</body", "ijo")

if from then
    ngx.arg[1] = chunk:sub(1, from - 1) .. bench_banner .. chunk:sub(from)
    ctx.done = true

elseif eof or #chunk == 0 then
    ngx.arg[1] = chunk

else
    -- a "</body" may begin in the last 5 bytes: hold them
    local keep = math.min(5, #chunk)
    ctx.held = chunk:sub(-keep)
    ngx.arg[1] = chunk:sub(1, -keep - 1)
end
