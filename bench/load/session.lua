-- wrk script: a signed-in session (cookie from the environment), optional think time between a
-- connection's requests (each connection is one user), and a JSON line of results at the end.
--   HIRELAB_COOKIE   "session=…"      THINK_MIN_MS / THINK_MAX_MS   uniform think time (0: none)
local cookie = os.getenv("HIRELAB_COOKIE") or ""
local think_min = tonumber(os.getenv("THINK_MIN_MS") or "0")
local think_max = tonumber(os.getenv("THINK_MAX_MS") or "0")
local threads = {}

wrk.headers["Cookie"] = cookie

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function delay()
  if think_max > 0 then
    return math.random(think_min, think_max)
  end
  return 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "not_200": %d, "socket_errors": %d, "p50_ms": %.1f, '
      .. '"p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "duration_s": %.2f}\n',
    summary.requests, not_ok, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.duration / 1e6))
end
