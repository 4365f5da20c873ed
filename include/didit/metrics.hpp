#pragma once
// A ready-made observer that aggregates a client's events into Prometheus metrics.

#include <didit/observer.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace didit {

/// Counts calls by operation and outcome, call latency (a histogram), retries, budget waits,
/// token fetches and connections, and writes them in Prometheus' text format:
///
///     auto metrics = std::make_shared<didit::metrics>();
///     cfg.observer = metrics;
///     ...
///     response.body() = metrics->prometheus_text(); // GET /metrics
///
/// Labels are operation names, error names and close reasons: never ids or secrets.
/// Thread-safe; one instance may serve several clients.
class metrics : public observer {
public:
    /// Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
    static constexpr std::array<double, 12> latency_buckets{0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
                                                            0.5,   1.0,  2.5,   5.0,  10.0, 30.0};

    void on_call(const call_event& event) override;
    void on_retry(const retry_event& event) override;
    void on_budget_wait(const budget_wait_event& event) override;
    void on_token(const token_event& event) override;
    void on_connection(const connection_event& event) override;
    void on_fleet_budget(const fleet_event& event) override;

    /// Every metric in the Prometheus text exposition format (version 0.0.4).
    std::string prometheus_text() const;

    /// Connections open now, across the clients this instance observes.
    std::int64_t open_connections() const;

private:
    struct latency {
        std::array<std::uint64_t, latency_buckets.size()> at_most{}; ///< cumulative on output
        std::uint64_t count = 0;
        double sum_seconds = 0;
    };
    using label_pair = std::pair<std::string, std::string>;

    mutable std::mutex mutex_;
    std::map<label_pair, std::uint64_t> calls_;   ///< (operation, outcome)
    std::map<std::string, latency> latencies_;    ///< by operation
    std::map<label_pair, std::uint64_t> retries_; ///< (operation, reason)
    std::map<std::string, std::uint64_t> budget_waits_;
    std::map<std::string, std::uint64_t> token_fetches_; ///< by outcome
    std::map<std::string, std::uint64_t> closed_;        ///< by reason
    std::uint64_t opened_ = 0;
    std::uint64_t fleet_fallbacks_ = 0;
    bool fleet_local_ = false;
    std::int64_t open_ = 0;
};

} // namespace didit
