-- wrk script: POST a 1-won charge to the wallet of user 1.
wrk.method = "POST"
wrk.body = '{"userId":1,"amount":1}'
wrk.headers["Content-Type"] = "application/json"
