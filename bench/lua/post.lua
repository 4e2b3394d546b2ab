-- POST with an empty JSON body (the durable-insert limit), with the JSON report.
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
dofile("bench/lua/report.lua")
