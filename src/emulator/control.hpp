#pragma once
// The emulator's HTTP control endpoints, for tests in any language: under /__emulator/, a
// path the service never uses. Parsing and answering here; the actions behind them are the
// server's.

#include "service.hpp"

#include <didit/emulator.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace didit::emulator::detail {

/// What the control endpoints act on.
class control_actions {
public:
    virtual bool finish_session(std::string_view session_id, std::string_view status) = 0;
    virtual std::optional<std::string> session_status(std::string_view session_id) = 0;
    virtual void inject(fault f) = 0;
    virtual void clear_faults() = 0;
    virtual counters stats() = 0;
    virtual void expire_tokens() = 0;
    virtual void reset() = 0;
    virtual void set_account_state(account_state state) = 0;
    virtual void set_provider_outage(std::string_view provider, bool on) = 0;

protected:
    ~control_actions() = default;
};

inline constexpr std::string_view control_prefix = "/__emulator/";

/// True for a request to a control endpoint.
bool is_control(const http_request& request);

/// Answers a control request (see the README's "Emulator control endpoints").
http_response answer_control(const http_request& request, control_actions& actions);

/// A fault from its JSON form, e.g. {"kind": "respond", "endpoint": "create_session",
/// "status": 503}; nullopt with `why` naming the bad field.
std::optional<fault> fault_from_json(std::string_view text, std::string& why);

} // namespace didit::emulator::detail
