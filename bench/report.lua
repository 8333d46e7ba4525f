-- wrk's summary as one line of JSON (latencies in microseconds): bench/run.py reads it.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "socket_errors": %d, "bad_status": %d, ' ..
    '"p50": %.1f, "p95": %.1f, "p99": %.1f, "mean": %.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean))
end
