#pragma once
// A ready-made observer that writes one logfmt line per event.

#include <didit/observer.hpp>

#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>

namespace didit {

/// One line per event, e.g.
///
///     ts=2026-11-29T03:45:28.123Z event=call_finished operation=create_session method=POST
///       route=/v3/session/ status=201 error=ok attempts=1 duration_ms=3.210 connection=reused
///
/// (one line in reality). Lines carry what the events carry, so never a secret, a token, a body
/// or vendor_data. Thread-safe: lines never interleave.
class logfmt_logger : public observer {
public:
    /// Receives each line without its newline.
    using sink = std::function<void(std::string_view line)>;

    explicit logfmt_logger(sink write);
    /// Writes each line and a newline to `out`, which must outlive the logger.
    explicit logfmt_logger(std::ostream& out);

    void on_call(const call_event& event) override;
    void on_retry(const retry_event& event) override;
    void on_budget_wait(const budget_wait_event& event) override;
    void on_token(const token_event& event) override;
    void on_connection(const connection_event& event) override;
    void on_fleet_budget(const fleet_event& event) override;

private:
    void emit(const std::string& line);

    std::mutex mutex_;
    sink write_;
};

} // namespace didit
