-- POST /api/v1/dossiers: an online filing by the demo applicant (TOKEN) of procedure CODE.
wrk.method = "POST"
wrk.path = "/api/v1/dossiers"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"procedure_code":"' .. os.getenv("CODE") .. '","channel":"online",' ..
  '"applicant":{"kind":"citizen","name":"Trần Thị Bích Ngọc","id_number":"001190012345","phone":"0912345678",' ..
  '"email":"ngoc.tran@example.vn","address":"12 Hàng Bài, Hoàn Kiếm, Hà Nội"},"components":[],"return_channel":"online"}'
dofile("bench/lua/report.lua")
