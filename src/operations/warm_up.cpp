// client::warm_up(): the token and the connections a burst of first calls would wait for,
// fetched and opened before it arrives.
#include <didit/client.hpp>

#include "operations/call_operation.hpp"
#include "operations/client_impl.hpp"

#include <vector>

namespace didit::detail {

namespace {

boost::asio::awaitable<flow_result<no_result>> warm(std::shared_ptr<client_impl> impl,
                                                    std::size_t wanted, operation_state& op) {
    if (impl->tokens != nullptr && !impl->tokens->usable_now(impl)) {
        auto got = co_await impl->tokens->get(impl, op.diag);
        if (got.first)
            co_return flow_result<no_result>{got.first, {}};
    }
    // One after the other, as one operation whose I/O a stop can abort (a connection's session
    // tickets are only read with its first answer, so the handshakes are mostly full ones).
    // They stay on loan until all are open, so that each round opens a new one.
    auto& pool = impl->api_pool;
    std::vector<connection_pool::lease> opened;
    while (pool.open_connections() < wanted) {
        auto fresh = pool.open_new();
        if (!fresh)
            break; // max_connections_per_origin
        auto checked = co_await pool.checkout(std::move(fresh), op);
        if (checked.failure)
            co_return flow_result<no_result>{checked.failure, {}};
        opened.push_back(std::move(checked.conn));
    }
    for (auto& conn : opened)
        conn.keep_alive();
    co_return flow_result<no_result>{};
}

} // namespace

void start_warm_up(std::shared_ptr<client_impl> impl, warm_up_request&& request, diagnostics* diag,
                   done_handler&& handler) {
    if (!impl)
        return refuse_without_client<no_result>(std::move(handler), diag);
    if (!request.problem.empty()) {
        if (diag)
            diag->message = std::move(request.problem);
        return complete<no_result>(impl->executor, std::move(handler),
                                   flow_result<no_result>{error::invalid_request, {}});
    }
    auto strand = impl->strand;
    auto executor = impl->executor;
    auto limit = request.options.request_timeout.value_or(impl->cfg.request_timeout);
    auto& registry = *impl->operations;
    run_operation<no_result>(
        strand, executor, limit, registry, /*repeatable=*/true, diag, std::move(handler),
        [impl = std::move(impl), wanted = request.connections](operation_state& op) mutable {
            return warm(std::move(impl), wanted, op);
        });
}

} // namespace didit::detail
