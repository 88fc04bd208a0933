-- wrk script for bench/serve_bench.py: every request POSTs the same JSON body, read once from the
-- file named after `--` on wrk's command line:
--   wrk -t1 -c8 -d10s -s bench/lua/post.lua http://127.0.0.1:8080/invocations -- body.json
-- At the end it prints wrk's summary as one JSON line starting with "WRK_JSON " (latencies in
-- microseconds, from wrk's own histogram).

function init(args)
   local path = args[1]
   assert(path, "post.lua: pass the body file after --")
   local file = assert(io.open(path, "rb"))
   wrk.method = "POST"
   wrk.body = file:read("*a")
   file:close()
   wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p99.9":%d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
