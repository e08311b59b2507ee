-- POST /connect/token, client credentials grant, as an agency backend gets its access token.
-- Arguments (after --): client_id client_secret scope
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.body = "grant_type=client_credentials&client_id=" .. args[1] .. "&client_secret=" .. args[2] ..
    "&scope=" .. args[3]
end
