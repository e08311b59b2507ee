-- POST /account/sign-in with a wrong password for a NIN that has no account: the portal verifies the
-- password against a decoy hash (the same work as for a real account) and answers 200 with the error, so
-- every request pays one PBKDF2 verification and no account is ever locked.
-- Arguments (after --): antiforgery_token antiforgery_cookie ("portal_af=...") nin
-- An antiforgery token stays valid with its cookie, so one pair fetched beforehand serves every request.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = args[2]
  wrk.body = "Nin=" .. args[3] .. "&Password=not-the-password-2026&ReturnUrl=&Level=&__af=" .. args[1]
end
