-- qifu bench: the wrk script. One wrk thread cycles through requests prepared in init(), so
-- building a request costs a table lookup; there is no response() hook, because defining one
-- makes wrk parse every header and body. wrk already counts HTTP status > 399 in
-- summary.errors.status, which is what the bench reports as errors (with the socket errors).
--
-- Arguments (after `--`): PATHS_FILE HEADERS_FILE METHOD [BODY_FILE]
--   PATHS_FILE    one request path per line (already URL-encoded)
--   HEADERS_FILE  "Name: value" lines (Authorization, Cookie, Content-Type ...)
--   METHOD        GET, POST ...
--   BODY_FILE     request body, sent with every request (optional)

local prepared, count, index = {}, 0, 0

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then
      lines[#lines + 1] = line
    end
  end
  return lines
end

function init(args)
  local method = args[3] or "GET"
  local body = nil
  if args[4] ~= nil and args[4] ~= "" then
    local file = assert(io.open(args[4], "rb"))
    body = file:read("*a")
    file:close()
  end
  for _, line in ipairs(read_lines(args[2])) do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name ~= nil then
      wrk.headers[name] = value
    end
  end
  for _, path in ipairs(read_lines(args[1])) do
    count = count + 1
    prepared[count] = wrk.format(method, path, nil, body)
  end
  if count == 0 then
    error("qifu bench: the paths file is empty")
  end
end

function request()
  index = index % count + 1
  return prepared[index]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'QIFU_BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p95_us": %.1f, ' ..
    '"p99_us": %.1f, "max_us": %.1f, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(95.0),
    latency:percentile(99.0), latency.max, errors.status, errors.connect, errors.read,
    errors.write, errors.timeout))
end
