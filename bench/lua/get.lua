-- A plain GET of the URL given to wrk (healthz, pages), with the JSON report.
dofile("bench/lua/report.lua")
