-- Rotating Vietnamese searches (with and without marks, prefixes, filters, a typo) for wrk.
local queries = {
  "q=cap%20giay%20phep", "q=gi%E1%BA%A5y%20ph%C3%A9p%20b%C6%B0u%20ch%C3%ADnh", "q=vien%20thong", "q=the%20nha%20bao",
  "q=dang%20ky", "q=gia%20han%20giay%20phep%20tan%20so", "q=chu%20ky%20so", "q=mang%20xa", "q=bao%20dien%20tu&online=full",
  "q=xuat%20ban&postal=true", "q=tro%20choi", "q=an%20toan%20thong%20tin&field=an-toan-thong-tin", "field=vien-thong",
  "q=doanh%20nghiep%20nha%20nuoc", "q=thu%20hoi", "q=kho%20so",
  -- a typo ("chinhh"): nothing matches as typed, the near word is searched
  "q=giay%20phep%20buu%20chinhh",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/procedures?" .. queries[(i % #queries) + 1] .. "&per_page=20")
end
dofile("bench/lua/report.lua")
