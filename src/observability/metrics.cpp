#include <didit/metrics.hpp>

#include <charconv>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace didit {
namespace {

void append_number(std::string& out, double value) {
    char text[32];
    auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    out.append(text, ec == std::errc{} ? end : text);
}

void append_number(std::string& out, std::uint64_t value) {
    out += std::to_string(value);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

/// Label values are our own names, but escape as the format requires all the same.
void append_label(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append("=\"");
    for (char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '\n')
            out.append("\\n");
        else
            out += c;
    }
    out += '"';
}

using labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/// One line: `name{label="value",...} value`.
template <typename Number>
void sample(std::string& out, std::string_view name, labels pairs, Number value) {
    out.append(name);
    if (pairs.size() != 0) {
        out += '{';
        bool first = true;
        for (auto [label, text] : pairs) {
            if (!first)
                out += ',';
            first = false;
            append_label(out, label, text);
        }
        out += '}';
    }
    out += ' ';
    append_number(out, value);
    out += '\n';
}

} // namespace

void metrics::on_call(const call_event& event) {
    if (event.what != call_event::phase::finished)
        return;
    std::string operation{event.operation};
    double seconds = std::chrono::duration<double>(event.duration).count();
    std::lock_guard lock{mutex_};
    ++calls_[{operation, error_name(event.error)}];
    auto& histogram = latencies_[operation];
    for (std::size_t i = 0; i < latency_buckets.size(); ++i)
        if (seconds <= latency_buckets[i]) {
            ++histogram.at_most[i];
            break;
        }
    ++histogram.count;
    histogram.sum_seconds += seconds;
}

void metrics::on_retry(const retry_event& event) {
    std::lock_guard lock{mutex_};
    ++retries_[{std::string{event.operation}, error_name(event.reason)}];
}

void metrics::on_budget_wait(const budget_wait_event& event) {
    std::lock_guard lock{mutex_};
    ++budget_waits_[std::string{event.operation}];
}

void metrics::on_token(const token_event& event) {
    std::lock_guard lock{mutex_};
    ++token_fetches_[event.what == token_event::phase::fetched ? "ok" : error_name(event.error)];
}

void metrics::on_connection(const connection_event& event) {
    std::lock_guard lock{mutex_};
    if (event.what == connection_event::phase::opened) {
        ++opened_;
        ++open_;
    } else {
        ++closed_[std::string{to_string(event.why)}];
        --open_;
    }
}

void metrics::on_fleet_budget(const fleet_event& event) {
    std::lock_guard lock{mutex_};
    fleet_local_ = event.what == fleet_event::phase::local;
    if (fleet_local_)
        ++fleet_fallbacks_;
}

std::int64_t metrics::open_connections() const {
    std::lock_guard lock{mutex_};
    return open_;
}

std::string metrics::prometheus_text() const {
    std::lock_guard lock{mutex_};
    std::string out;
    header(out, "didit_calls_total", "counter", "Calls completed, by operation and outcome.");
    for (const auto& [labels, count] : calls_)
        sample(out, "didit_calls_total", {{"operation", labels.first}, {"outcome", labels.second}},
               count);
    header(out, "didit_call_duration_seconds", "histogram",
           "Call latency, retries and waits included, by operation.");
    for (const auto& [operation, histogram] : latencies_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
            cumulative += histogram.at_most[i];
            std::string bound;
            append_number(bound, latency_buckets[i]);
            sample(out, "didit_call_duration_seconds_bucket",
                   {{"operation", operation}, {"le", bound}}, cumulative);
        }
        sample(out, "didit_call_duration_seconds_bucket",
               {{"operation", operation}, {"le", "+Inf"}}, histogram.count);
        sample(out, "didit_call_duration_seconds_sum", {{"operation", operation}},
               histogram.sum_seconds);
        sample(out, "didit_call_duration_seconds_count", {{"operation", operation}},
               histogram.count);
    }
    header(out, "didit_retries_total", "counter", "Attempts repeated, by operation and reason.");
    for (const auto& [labels, count] : retries_)
        sample(out, "didit_retries_total", {{"operation", labels.first}, {"reason", labels.second}},
               count);
    header(out, "didit_budget_waits_total", "counter",
           "Times a call waited for the client's rate budget, by operation.");
    for (const auto& [operation, count] : budget_waits_)
        sample(out, "didit_budget_waits_total", {{"operation", operation}}, count);
    header(out, "didit_token_fetches_total", "counter", "v1 token requests, by outcome.");
    for (const auto& [outcome, count] : token_fetches_)
        sample(out, "didit_token_fetches_total", {{"outcome", outcome}}, count);
    header(out, "didit_connections_opened_total", "counter", "TLS connections established.");
    sample(out, "didit_connections_opened_total", {}, opened_);
    header(out, "didit_connections_closed_total", "counter",
           "Established connections closed, by reason.");
    for (const auto& [reason, count] : closed_)
        sample(out, "didit_connections_closed_total", {{"reason", reason}}, count);
    header(out, "didit_connections_open", "gauge", "Established connections open now.");
    out.append("didit_connections_open ").append(std::to_string(open_)).append("\n");
    header(out, "didit_fleet_budget_fallbacks_total", "counter",
           "Times the fleet's shared rate budget was lost and this process used its own share.");
    sample(out, "didit_fleet_budget_fallbacks_total", {}, fleet_fallbacks_);
    header(out, "didit_fleet_budget_local", "gauge",
           "1 while this process goes by its own share of the rate limits, else 0.");
    sample(out, "didit_fleet_budget_local", {}, std::uint64_t{fleet_local_ ? 1u : 0u});
    return out;
}

} // namespace didit
