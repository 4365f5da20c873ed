#pragma once
// What a fleet backend (config::fleet.backend) gets to build a client's shared rate budget.

#include <didit/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

namespace didit {
class observer;
}

namespace didit::detail {

struct fleet_context {
    boost::asio::any_io_executor strand; ///< the client's: the budget is used only from it
    const config& cfg;                   ///< validated; outlives the budget
    boost::asio::ssl::context& tls;      ///< the client's, for rediss://
    observer* watcher = nullptr;
};

} // namespace didit::detail
