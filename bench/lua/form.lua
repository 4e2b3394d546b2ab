-- GET /api/v1/dossiers/{code}/forms/01 (the receipt, rendered to PDF) for random dossiers of the
-- file PAIRS, with the bearer TOKEN.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local codes = {}
for line in io.lines(os.getenv("PAIRS")) do
  local code = line:match("^(%S+)")
  if code then codes[#codes + 1] = "/api/v1/dossiers/" .. code .. "/forms/01" end
end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", codes[math.random(1, #codes)])
end
dofile("bench/lua/report.lua")
