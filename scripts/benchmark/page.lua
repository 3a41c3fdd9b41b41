-- wrk script for one page: an optional Cookie header (first script argument) and a summary as
-- one JSON line. wrk counts responses of 400 and above as status errors; the benchmark checks
-- each page answers 200 before it is measured.
function init(args)
  if args[1] and args[1] ~= "" then wrk.headers["Cookie"] = args[1] end
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
