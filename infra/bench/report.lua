-- Shared by the identity benchmark's wrk scripts (loaded with dofile): counts every answer that is not a
-- 200 (wrk itself counts only 4xx and 5xx, and a 302 from a page would be just as wrong here) and prints
-- one machine-readable line that identity.sh parses. Latencies are in microseconds in wrk, milliseconds here.

local threads = {}

function setup(thread)
  -- Each thread learns its index before init() runs, so a script can give each thread its own inputs.
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

non_200 = 0

function count_status(status)
  if status ~= 200 then
    non_200 = non_200 + 1
  end
end

function response(status, headers, body)
  count_status(status)
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non_200") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non_200=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, errors.connect + errors.read + errors.write, errors.timeout))
end
