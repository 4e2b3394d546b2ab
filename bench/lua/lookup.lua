-- GET /api/v1/public/dossiers/{code}?lookup=…: random dossiers of the generated history, from the
-- file PAIRS (one "code lookup" per line, chosen by bench/run from the database).
local pairs_ = {}
for line in io.lines(os.getenv("PAIRS")) do
  local code, lookup = line:match("^(%S+)%s+(%S+)$")
  if code then pairs_[#pairs_ + 1] = "/api/v1/public/dossiers/" .. code .. "?lookup=" .. lookup end
end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", pairs_[math.random(1, #pairs_)])
end
dofile("bench/lua/report.lua")
