#pragma once

#include "http/server.hpp"

namespace boxoffice::http {

// Each adds one feature's routes to the server's router.
void add_ops_routes(Server& server);
void add_admin_routes(Server& server);
void add_concert_routes(Server& server);
void add_wallet_routes(Server& server);
void add_queue_routes(Server& server);
void add_schedule_routes(Server& server);
void add_reservation_routes(Server& server);
void add_payment_routes(Server& server);
void add_web_routes(Server& server);

}  // namespace boxoffice::http
