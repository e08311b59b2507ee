-- POST /connect/token, refresh token grant, chained: refresh tokens rotate, and a spent one presented again
-- is refused and revokes its whole authorization, so every request must carry a token never used before.
-- Each response's new refresh token goes back into this thread's pool and the next request takes the
-- oldest one. A thread's connections share one Lua state and wrk does not say which connection a response
-- came from, but a pool is enough: a connection holds one token while its request is in flight and gives
-- back exactly one, so each token is sent once and the pool never runs dry while every answer is a 200.
--
-- Arguments (after --): tokens_file client_id threads
--   tokens_file: one fresh refresh token per line, at least connections + threads of them: thread i takes
--   lines i*k+1 .. i*k+k (k = lines / threads). The extra one per thread covers the request() wrk calls once,
--   before starting, to check the script (its token is never sent).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local pool = {}
local client_id
missing_token = 0

function init(args)
  local all = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(all, line) end
  end
  client_id = args[2]
  local threads = tonumber(args[3])
  local k = math.floor(#all / threads)
  for i = thread_index * k + 1, thread_index * k + k do
    table.insert(pool, all[i])
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local token = table.remove(pool, 1)
  if token == nil then
    -- Only after a failed refresh: send a request that will be refused, and count it.
    missing_token = missing_token + 1
    token = "none"
  end
  return wrk.format(nil, nil, nil, "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. token)
end

function response(status, headers, body)
  count_status(status)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if status == 200 and token then
    table.insert(pool, token)
  elseif status == 200 then
    non_200 = non_200 + 1 -- a 200 without a new refresh token breaks the chain as surely as an error
  end
end
