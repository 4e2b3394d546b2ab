-- A GET of a public page as a browser makes it (a desktop Chrome user agent, so the visit and
-- view counting path runs, as it does for a person), with the JSON report.
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
wrk.headers["Accept-Encoding"] = "gzip"
dofile("bench/lua/report.lua")
