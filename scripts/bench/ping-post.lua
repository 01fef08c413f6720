-- wrk script: POST one heartbeat per request, the key in the x-functions-key header.
-- HEARTWATCH_BENCH_KEY comes from the environment (never written to disk by the bench).
local key = os.getenv("HEARTWATCH_BENCH_KEY") or "no-key"
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  tid = tid or 0
end

function request()
  counter = counter + 1
  local body = '{"device":"bench-' .. tid .. '-' .. (counter % 50) .. '","seq":' .. counter .. ',"note":"bench"}'
  return wrk.format("POST", "/api/ping", {
    ["Content-Type"] = "application/json",
    ["x-functions-key"] = key,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d errors=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
