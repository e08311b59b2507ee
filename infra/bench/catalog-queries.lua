-- wrk script: a mix of catalogue searches (Kiswahili, English, misspelt, filtered, paged) and one
-- service read; prints p50/p95/p99 latency at the end (wrk's own summary has no p95).
local paths = {
  "/api/catalog/services?q=cheti%20cha%20kuzaliwa",
  "/api/catalog/services?q=cheti%20cha%20kuzaiwa",
  "/api/catalog/services?q=birth%20certificate",
  "/api/catalog/services?q=leseni%20ya%20biashara",
  "/api/catalog/services?q=TIN",
  "/api/catalog/services?q=pasipoti",
  "/api/catalog/services?q=passport",
  "/api/catalog/services?q=kibali%20cha%20ujenzi",
  "/api/catalog/services?q=usajili%20wa%20gari",
  "/api/catalog/services?q=driving%20licence",
  "/api/catalog/services?q=bima%20ya%20afya",
  "/api/catalog/services?q=mkopo%20chuo",
  "/api/catalog/services?q=umeme&page=2",
  "/api/catalog/services?q=maji&category=nishati-maji",
  "/api/catalog/services?q=leseni&lifeEvent=kuanzisha-biashara",
  "/api/catalog/services?q=registration&agency=brela",
  "/api/catalog/services?q=kodi%20ya%20majengo",
  "/api/catalog/services?q=certificate&pageSize=50",
  "/api/catalog/services?q=usajli%20wa%20biashra",
  "/api/catalog/services/rita-birth-certificate",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
