-- wrk script for the memory run: GETs the pages listed in FILE (PATH<TAB>COOKIE a line) in
-- turn, for as long as wrk runs; `done` prints one JSON line.
-- Usage: wrk -t 1 -c N -d SECONDS -s mixed.lua URL -- FILE
local pages = {}
local next_page = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    table.insert(pages, wrk.format("GET", path, headers))
  end
end

function request()
  next_page = next_page % #pages + 1
  return pages[next_page]
end

function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "non2xx": %d}\n',
    summary.requests, summary.duration, summary.errors.status))
end
