-- A GET with the bearer TOKEN (queue, statistics).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
done = function(summary, latency, requests)
  io.write(string.format("status_errors %d\n", summary.errors.status))
end
