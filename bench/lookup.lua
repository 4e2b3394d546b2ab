-- GET /api/v1/public/dossiers/{code}?lookup=…: random codes among the generated dossiers
-- (PER_DAY per day over 329 days of 2026, the last day partly filled, so it is left out;
-- look-up code BENCH001).
local per_day = tonumber(os.getenv("PER_DAY"))
math.randomseed(os.time())
request = function()
  local t = os.time({ year = 2026, month = 1, day = 1 + math.random(0, 327), hour = 12 })
  local path = "/api/v1/public/dossiers/000.00.00.G22-" .. os.date("%y%m%d", t) ..
    string.format("-%06d", 500000 + math.random(1, per_day)) .. "?lookup=BENCH001"
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("status_errors %d\n", summary.errors.status))
end
