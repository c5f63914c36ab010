-- wrk script: POST /predict with one image as multipart/form-data field "image".
--   wrk -s predict.lua http://127.0.0.1:5080/predict -- <image file> [<image file> ...]
-- With several files each request takes the next one in turn (the soak mixes the three samples).
-- done() prints one machine-readable line: "RESULT requests=... rps=... p50_ms=... p99_ms=... non2xx=... errors=..."

local boundary = "digitapi-load-7d1c0f9e"
local requests = {}
local next_index = 1

local function content_type(path)
  if path:match("%.png$") then return "image/png" end
  if path:match("%.jpe?g$") then return "image/jpeg" end
  if path:match("%.webp$") then return "image/webp" end
  return "application/octet-stream"
end

local function multipart(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  local name = path:match("([^/]+)$")
  local body = "--" .. boundary .. "\r\n"
    .. 'Content-Disposition: form-data; name="image"; filename="' .. name .. '"\r\n'
    .. "Content-Type: " .. content_type(path) .. "\r\n\r\n"
    .. data .. "\r\n--" .. boundary .. "--\r\n"
  return wrk.format("POST", nil, { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, body)
end

function init(args)
  for i = 1, #args do
    requests[#requests + 1] = multipart(args[i])
  end
  assert(#requests > 0, "pass at least one image file after --")
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, non2xx, errors))
end
