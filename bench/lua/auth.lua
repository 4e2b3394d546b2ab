-- A GET with the bearer TOKEN (queue, statistics).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
dofile("bench/lua/report.lua")
