#include <didit/logfmt_logger.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <ostream>

namespace didit {
namespace {

/// A line under construction: `key=value` pairs, values quoted when they need it.
class line_builder {
public:
    explicit line_builder(std::string_view event) {
        using namespace std::chrono;
        auto now = system_clock::now();
        auto seconds = system_clock::to_time_t(now);
        auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
        std::tm utc{};
        gmtime_r(&seconds, &utc);
        char stamp[64];
        std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                      utc.tm_sec, static_cast<int>(millis));
        text_.append("ts=").append(stamp);
        add("event", event);
    }

    line_builder& add(std::string_view key, std::string_view value) {
        text_.append(" ").append(key).append("=");
        bool plain = !value.empty() && value.find_first_of(" \"=\\") == std::string_view::npos;
        if (plain) {
            text_.append(value);
            return *this;
        }
        text_ += '"';
        for (char c : value) {
            if (c == '"' || c == '\\')
                text_ += '\\';
            text_ += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
        }
        text_ += '"';
        return *this;
    }
    line_builder& add(std::string_view key, long long value) {
        return add(key, std::string_view{std::to_string(value)});
    }
    line_builder& add_ms(std::string_view key, std::chrono::nanoseconds value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3f", static_cast<double>(value.count()) / 1e6);
        return add(key, std::string_view{text});
    }

    const std::string& text() const { return text_; }

private:
    std::string text_;
};

} // namespace

logfmt_logger::logfmt_logger(sink write) : write_(std::move(write)) {}

logfmt_logger::logfmt_logger(std::ostream& out)
    : write_([&out](std::string_view line) { out << line << '\n'
                                                 << std::flush; }) {}

void logfmt_logger::emit(const std::string& line) {
    std::lock_guard lock{mutex_};
    write_(line);
}

void logfmt_logger::on_call(const call_event& event) {
    bool finished = event.what == call_event::phase::finished;
    line_builder line{finished ? "call_finished" : "call_started"};
    line.add("operation", event.operation).add("method", event.method).add("route", event.route);
    if (finished)
        line.add("status", event.http_status)
            .add("error", error_name(event.error))
            .add("attempts", event.attempts)
            .add_ms("duration_ms", event.duration)
            .add("connection", event.reused_connection ? "reused" : "new");
    emit(line.text());
}

void logfmt_logger::on_retry(const retry_event& event) {
    line_builder line{"retry_scheduled"};
    line.add("operation", event.operation)
        .add("route", event.route)
        .add("reason", error_name(event.reason))
        .add("status", event.http_status)
        .add("attempt", event.attempt)
        .add_ms("delay_ms", event.delay);
    emit(line.text());
}

void logfmt_logger::on_budget_wait(const budget_wait_event& event) {
    line_builder line{"budget_wait"};
    line.add("operation", event.operation).add("route", event.route).add_ms("wait_ms", event.wait);
    emit(line.text());
}

void logfmt_logger::on_token(const token_event& event) {
    bool fetched = event.what == token_event::phase::fetched;
    line_builder line{fetched ? "token_fetched" : "token_refresh_failed"};
    if (fetched)
        line.add("expires_in_s", event.lifetime.count());
    else
        line.add("error", error_name(event.error));
    line.add_ms("duration_ms", event.duration);
    emit(line.text());
}

void logfmt_logger::on_connection(const connection_event& event) {
    bool opened = event.what == connection_event::phase::opened;
    line_builder line{opened ? "connection_opened" : "connection_closed"};
    line.add("server", event.server);
    if (opened)
        line.add("tls", event.resumed_tls ? "resumed" : "full");
    else
        line.add("reason", to_string(event.why));
    emit(line.text());
}

void logfmt_logger::on_fleet_budget(const fleet_event& event) {
    bool shared = event.what == fleet_event::phase::shared;
    line_builder line{shared ? "fleet_budget_shared" : "fleet_budget_local"};
    line.add("server", event.server);
    if (!shared)
        line.add("error", error_name(event.error));
    emit(line.text());
}

} // namespace didit
