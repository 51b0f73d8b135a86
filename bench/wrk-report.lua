-- wrk-report.lua: one machine-readable line after a wrk run.  No
-- request() or response() function on purpose: wrk then reads answers at
-- full speed, and whether every answer was a 200 for the signed-in user is
-- checked from httpd's access log (bench/run.sh), not here.
done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d "
      .. "status_errors=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
