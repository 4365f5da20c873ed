#include <didit/observer.hpp>

namespace didit {

std::string_view to_string(call_event::phase phase) noexcept {
    return phase == call_event::phase::started ? "started" : "finished";
}

std::string_view to_string(token_event::phase phase) noexcept {
    return phase == token_event::phase::fetched ? "fetched" : "refresh_failed";
}

std::string_view to_string(connection_event::phase phase) noexcept {
    return phase == connection_event::phase::opened ? "opened" : "closed";
}

std::string_view to_string(fleet_event::phase phase) noexcept {
    return phase == fleet_event::phase::shared ? "shared" : "local";
}

std::string_view to_string(connection_event::reason reason) noexcept {
    switch (reason) {
    case connection_event::reason::none:
        return "none";
    case connection_event::reason::idle_timeout:
        return "idle_timeout";
    case connection_event::reason::peer_closed:
        return "peer_closed";
    case connection_event::reason::not_reusable:
        return "not_reusable";
    case connection_event::reason::client_closed:
        return "client_closed";
    }
    return "unknown";
}

std::string error_name(const error_code& ec) {
    if (!ec)
        return "ok";
    if (ec.category() == error_category())
        return to_string(static_cast<error>(ec.value()));
    if (ec == boost::system::errc::operation_canceled)
        return "operation_aborted";
    return std::string{ec.category().name()} + ":" + std::to_string(ec.value());
}

} // namespace didit
