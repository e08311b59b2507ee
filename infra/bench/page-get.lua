-- A plain GET (the sign-in page), with the shared non-200 count and result line.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
