-- The soak's load (bench/soak.py runs it): POST the GraphQL bodies of a schedule file in turn,
-- count failures and writes, print the figures soak.py reads.
--   wrk -s bench/soak.lua URL -- SCHEDULE TOKEN     (SCHEDULE: one JSON body a line)

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[2]}
  bodies = {}
  for line in io.lines(args[1]) do
    table.insert(bodies, wrk.format("POST", nil, headers, line))
  end
  position, errors, writes, first_error = 0, 0, 0, ""
end

function request()
  position = position % #bodies + 1
  return bodies[position]
end

function response(status, headers, body)
  -- The server writes compact JSON and escapes quotes inside strings, so these keys cannot
  -- match inside data: any GraphQL error, or a mutation refused with userErrors, is a failure.
  if status < 200 or status > 299 or body:find('"errors":', 1, true)
      or body:find('"userErrors":[{', 1, true) then
    errors = errors + 1
    if first_error == "" then first_error = status .. " " .. body:sub(1, 300) end
  end
  if body:find('"addComment":', 1, true) then writes = writes + 1 end
end

function done(summary, latency, requests)
  local failed, written, first = 0, 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
    written = written + thread:get("writes")
    if first == "" then first = thread:get("first_error") end
  end
  -- Every distinct latency with its count, so that soak.py can merge slices into one p99.
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)
    histogram[i] = value .. ":" .. count
  end
  io.write(string.format(
    "SOAK requests=%d duration_us=%d p99_us=%d errors=%d writes=%d timeouts=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(99), failed, written,
    summary.errors.timeout, summary.errors.connect + summary.errors.read + summary.errors.write))
  io.write("LATENCY ", table.concat(histogram, " "), "\n")
  io.write("FIRST_ERROR ", (first:gsub("\n", " ")), "\n")
end
