-- wrk script for a fixed list of requests (the benchmark's booking race and its memory run).
-- Usage: wrk -t N -c N -d CAP -s requests.lua URL -- FILE N
-- FILE holds one request a line: METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY. Thread k of N (one
-- connection each) sends lines k, k+N, k+2N… once each, then says "thread-done" on stdout and
-- stops. The benchmark interrupts wrk when every thread is done; `done` prints one JSON line.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]

local function now_us()
  local tv = ffi.new("bench_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local mine = {}
local sent = 0
local received = 0
statuses = {}
started_us = 0
finished_us = 0

function init(args)
  local file, count = args[1], tonumber(args[2])
  local index = 0
  for line in io.lines(file) do
    if index % count == id - 1 then
      local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if body ~= "" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      table.insert(mine, wrk.format(method, path, headers, body))
    end
    index = index + 1
  end
end

function request()
  if sent == 0 then started_us = now_us() end
  sent = sent + 1
  if sent <= #mine then return mine[sent] end
  -- Never answered: the thread stops once its last request is answered.
  return wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  received = received + 1
  -- One connection a thread answers in order: past its own requests, only the filler is left.
  if received > #mine then return end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if received == #mine then
    finished_us = now_us()
    io.write("thread-done\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local first, last, counts = nil, 0, {}
  for _, thread in ipairs(threads) do
    local s, f = thread:get("started_us"), thread:get("finished_us")
    if s > 0 and (first == nil or s < first) then first = s end
    if f > last then last = f end
    for status, n in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, string.format('"%s": %d', status, n)) end
  io.write(string.format(
    '{"requests": %d, "elapsed_us": %d, "p50_us": %d, "p95_us": %d, "socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, last - (first or last), latency:percentile(50), latency:percentile(95),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
