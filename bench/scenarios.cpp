#include "scenarios.hpp"

#include "process_usage.hpp"

#include <didit/client.hpp>
#include <didit/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace didit_bench {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

/// Only creates are scarce.
didit::emulator::rate_limits creates_per_window(std::chrono::milliseconds window, unsigned limit) {
    return {.window = window,
            .generic_get = 1'000'000,
            .generic_write = 1'000'000,
            .create_session = limit,
            .generate_pdf = 1'000'000,
            .retrieve_decision = 1'000'000};
}

double percentile(std::vector<double> values, double p) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(rank, values.size() - 1)];
}

/// One v3 create, with its outcome and latency.
struct call_record {
    didit::error_code ec;
    didit::diagnostics diag;
    double latency_ms = 0;
    bool done = false;
};

void start_create(didit::client& client, std::size_t index, call_record& out) {
    auto started = steady::now();
    client.create_workflow_session(
        {.workflow_id = std::string{workflow}, .vendor_data = "bench-" + std::to_string(index)},
        out.diag, [&out, started](didit::error_code ec, didit::session) {
            out.ec = ec;
            out.latency_ms =
                std::chrono::duration<double, std::milli>(steady::now() - started).count();
            out.done = true;
        });
}

/// One v1 create, with its outcome and latency.
void start_v1_create(didit::client& client, std::string vendor_data, call_record& out) {
    auto started = steady::now();
    client.create_session(
        {.callback = "https://example.com/kyc/done", .vendor_data = vendor_data}, out.diag,
        [&out, started](didit::error_code ec, didit::session) {
            out.ec = ec;
            out.latency_ms =
                std::chrono::duration<double, std::milli>(steady::now() - started).count();
            out.done = true;
        });
}

/// Demand at three times the limit for `windows` windows; the service's count per window.
json::object budget(const scenario_options& options) {
    const auto window = 2000ms;
    const unsigned limit = 60;
    didit::emulator::server emulator;
    emulator.enable_rate_limits(creates_per_window(window, limit));
    auto cfg = emulator.client_config(didit::api_generation::v3);
    cfg.request_timeout = window; // a call that cannot go within a window is refused
    asio::io_context io;
    didit::client client{io.get_executor(), cfg};

    const auto calls = options.windows * 3 * limit;
    std::vector<call_record> records(calls);
    std::vector<std::uint64_t> created_at_window_end;
    auto start = steady::now();
    // Open loop: one call every window / (3 * limit), whatever the answers.
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer timer{io};
            auto interval = window / (3 * limit);
            for (std::size_t i = 0; i < calls; ++i) {
                timer.expires_at(start + i * interval);
                co_await timer.async_wait(asio::use_awaitable);
                start_create(client, i, records[i]);
            }
        },
        asio::detached);
    // The service's windows, from the start of the demand.
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer timer{io};
            for (std::size_t k = 1; k <= options.windows; ++k) {
                timer.expires_at(start + k * window);
                co_await timer.async_wait(asio::use_awaitable);
                created_at_window_end.push_back(emulator.stats().sessions_created);
            }
        },
        asio::detached);
    io.run();

    json::array per_window;
    double lowest = 1, total = 0;
    std::uint64_t before = 0;
    for (auto created : created_at_window_end) {
        double share = static_cast<double>(created - before) / limit;
        before = created;
        per_window.push_back(share);
        lowest = std::min(lowest, share);
        total += share;
    }
    std::size_t refused = 0;
    for (const auto& r : records)
        refused += r.ec == didit::error::rate_limited;
    return {{"scenario", "budget"},
            {"window_ms", window.count()},
            {"limit", limit},
            {"demand_per_window", 3 * limit},
            {"windows", options.windows},
            {"delivered_share_per_window", per_window},
            {"delivered_share_min", lowest},
            {"delivered_share_mean", total / static_cast<double>(options.windows)},
            {"service_429s", emulator.stats().throttled},
            {"refused_by_budget", refused}};
}

/// `count` creates at once, with 3 s each, against 100 per 2 s: 200 can be served (100 now,
/// 100 two seconds later). How many were refused at once, how long refusals took, and the
/// client's CPU per call to start them all and refuse those it can (before any answer: the
/// emulator in this process has nothing to do yet).
json::object one_burst(std::size_t count) {
    didit::emulator::server emulator;
    emulator.enable_rate_limits(creates_per_window(2000ms, 100));
    auto cfg = emulator.client_config(didit::api_generation::v3);
    cfg.request_timeout = 3s;
    asio::io_context io;
    didit::client client{io.get_executor(), cfg};
    // The handshakes first: a fixed cost that would weigh on small bursts only.
    client.warm_up(cfg.max_connections_per_origin, [](didit::error_code) {});
    io.run();
    io.restart();
    std::vector<call_record> records(count);
    auto cpu_before = cpu_seconds();
    auto start = steady::now();
    for (std::size_t i = 0; i < count; ++i)
        start_create(client, i, records[i]);
    io.poll(); // every call sets out; those whose slot would come too late are refused
    auto cpu = cpu_seconds() - cpu_before;
    io.run();
    std::size_t served = 0, refused_at_once = 0;
    std::vector<double> refusal_ms;
    for (const auto& r : records) {
        served += !r.ec;
        if (r.ec == didit::error::rate_limited)
            refusal_ms.push_back(r.latency_ms);
        if (r.ec == didit::error::rate_limited &&
            r.diag.message.find("ahead in line") != std::string::npos)
            ++refused_at_once;
    }
    return {{"calls", count},
            {"served", served},
            {"refused_at_once", refused_at_once},
            {"refused", refusal_ms.size()},
            {"refusal_p99_ms", percentile(refusal_ms, 0.99)},
            {"wall_s", std::chrono::duration<double>(steady::now() - start).count()},
            {"cpu_us_per_call", cpu * 1e6 / static_cast<double>(count)},
            {"service_429s", emulator.stats().throttled}};
}

/// Memory held per call waiting in line: `count` calls with ten minutes each behind a
/// budget of 100 per 2 s, measured while they wait, then cancelled.
json::object waiting_memory(std::size_t count) {
    didit::emulator::server emulator;
    emulator.enable_rate_limits(creates_per_window(2000ms, 100));
    auto cfg = emulator.client_config(didit::api_generation::v3);
    cfg.request_timeout = 10min;
    asio::io_context io;
    didit::client client{io.get_executor(), cfg};
    std::vector<call_record> records(count);
    for (std::size_t i = 0; i < 100; ++i) // the window's share: answered, connections idle
        start_create(client, i, records[i]);
    while (std::count_if(records.begin(), records.begin() + 100,
                         [](const call_record& r) { return r.done; }) < 100)
        io.run_one();
    io.restart();
    auto before = current_rss_kib();
    auto heap_before = mallinfo2().uordblks;
    for (std::size_t i = 100; i < count; ++i)
        start_create(client, i, records[i]);
    io.poll(); // every call has set out and waits in line
    auto heap_waiting = mallinfo2().uordblks;
    auto waiting = current_rss_kib();
    client.cancel();
    io.run();
    auto calls = static_cast<double>(count - 100);
    return {
        {"waiting_calls", count - 100},
        {"heap_bytes_per_waiting_call", static_cast<double>(heap_waiting - heap_before) / calls},
        {"rss_bytes_per_waiting_call", static_cast<double>(waiting - before) * 1024 / calls}};
}

/// 5,000 calls at once with ten minutes each against 250 per 500 ms: all are served, window
/// after window, in arrival order (a call of a later window never completes before one of an
/// earlier window), and the service turns none away.
json::object drain() {
    const unsigned limit = 250;
    const std::size_t count = 5000;
    didit::emulator::server emulator;
    emulator.enable_rate_limits(creates_per_window(500ms, limit));
    auto cfg = emulator.client_config(didit::api_generation::v3);
    cfg.request_timeout = 10min;
    asio::io_context io;
    didit::client client{io.get_executor(), cfg};
    std::vector<call_record> records(count);
    std::vector<std::size_t> completion_order;
    completion_order.reserve(count);
    auto start = steady::now();
    for (std::size_t i = 0; i < count; ++i)
        client.create_workflow_session(
            {.workflow_id = std::string{workflow}, .vendor_data = "drain-" + std::to_string(i)},
            records[i].diag, [&, i](didit::error_code ec, didit::session) {
                records[i].ec = ec;
                records[i].done = true;
                completion_order.push_back(i);
            });
    io.run();
    std::size_t served = 0, out_of_order = 0, latest_window = 0;
    for (const auto& r : records)
        served += !r.ec;
    for (auto i : completion_order) {
        auto window = i / limit;
        out_of_order += window < latest_window;
        latest_window = std::max(latest_window, window);
    }
    return {{"calls", count},
            {"budget", "250 creates per 500 ms, 10 min request_timeout"},
            {"served", served},
            {"completed_out_of_window_order", out_of_order},
            {"service_429s", emulator.stats().throttled},
            {"wall_s", std::chrono::duration<double>(steady::now() - start).count()}};
}

json::object burst(const scenario_options& options) {
    json::array runs;
    std::vector<std::size_t> sizes{1'000, 10'000, 100'000};
    if (options.requests != 0)
        sizes = {options.requests};
    for (auto size : sizes)
        runs.push_back(one_burst(size));
    return {{"scenario", "burst"},
            {"budget", "100 creates per 2 s, 3 s request_timeout"},
            {"runs", runs},
            {"drain", drain()},
            {"memory", waiting_memory(std::max<std::size_t>(sizes.back() / 10, 1'100))}};
}

/// Steady load for `seconds`, tokens living `lifetime`: latencies and the calls that waited
/// for a token.
json::object steady_load(double seconds, std::chrono::seconds lifetime) {
    didit::emulator::options opts;
    opts.token_lifetime = lifetime;
    didit::emulator::server emulator{opts};
    auto cfg = emulator.client_config(didit::api_generation::v1);
    cfg.rate_limits = didit::rate_limits::off();
    asio::io_context io;
    didit::client client{io.get_executor(), cfg};
    bool warmed = false;
    client.warm_up(4, [&](didit::error_code) { warmed = true; });
    while (!warmed)
        io.run_one();
    io.restart();
    const double rate = 200; // calls per second
    const auto calls = static_cast<std::size_t>(seconds * rate);
    std::vector<call_record> records(calls);
    auto start = steady::now();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer timer{io};
            auto interval = std::chrono::duration_cast<steady::duration>(
                std::chrono::duration<double>(1 / rate));
            for (std::size_t i = 0; i < calls; ++i) {
                timer.expires_at(start + i * interval);
                co_await timer.async_wait(asio::use_awaitable);
                start_v1_create(client, "bench-" + std::to_string(i), records[i]);
            }
        },
        asio::detached);
    io.run();
    std::vector<double> latencies;
    std::size_t failed = 0;
    for (const auto& r : records) {
        if (r.ec)
            ++failed;
        else
            latencies.push_back(r.latency_ms);
    }
    return {{"token_lifetime_s", lifetime.count()},
            {"calls", calls},
            {"failed", failed},
            {"token_requests", emulator.stats().token_requests},
            {"token_waits", client.stats().token_waits},
            {"p50_ms", percentile(latencies, 0.5)},
            {"p99_ms", percentile(latencies, 0.99)}};
}

json::object refresh(const scenario_options& options) {
    auto with = steady_load(options.seconds, 2s);
    auto without = steady_load(options.seconds, 3600s);
    return {{"scenario", "refresh"},
            {"with_refreshes", with},
            {"without_refreshes", without},
            {"p99_ratio", with["p99_ms"].as_double() / without["p99_ms"].as_double()}};
}

/// 16 calls at once on a new client, with and without warm_up(16) first.
json::object first_calls(bool warm) {
    didit::emulator::server emulator;
    auto cfg = emulator.client_config(didit::api_generation::v1);
    cfg.rate_limits = didit::rate_limits::off();
    asio::io_context io;
    didit::client client{io.get_executor(), cfg};
    if (warm) {
        bool warmed = false;
        client.warm_up(16, [&](didit::error_code) { warmed = true; });
        while (!warmed)
            io.run_one();
        io.restart(); // run_one() stopped the io_context if it ran out of work
    }
    auto opened_before = client.stats().connections_opened; // the client's count: exact
    auto tokens_before = emulator.stats().token_requests;
    std::vector<call_record> records(16);
    for (std::size_t i = 0; i < records.size(); ++i)
        start_v1_create(client, "cold-" + std::to_string(i), records[i]);
    io.run();
    std::vector<double> latencies;
    for (const auto& r : records)
        latencies.push_back(r.latency_ms);
    return {{"warm_up", warm},
            {"handshakes_during_calls", client.stats().connections_opened - opened_before},
            {"token_requests_during_calls", emulator.stats().token_requests - tokens_before},
            {"token_waits", client.stats().token_waits},
            {"p50_ms", percentile(latencies, 0.5)},
            {"max_ms", percentile(latencies, 1.0)}};
}

json::object cold_start(const scenario_options&) {
    auto cold = first_calls(false);
    auto warm = first_calls(true);
    return {{"scenario", "cold-start"},
            {"cold", cold},
            {"warmed", warm},
            {"max_ratio", warm["max_ms"].as_double() / cold["max_ms"].as_double()}};
}

} // namespace

std::optional<json::object> run_scenario(std::string_view name, const scenario_options& options) {
    if (name == "budget")
        return budget(options);
    if (name == "burst")
        return burst(options);
    if (name == "refresh")
        return refresh(options);
    if (name == "cold-start")
        return cold_start(options);
    return std::nullopt;
}

} // namespace didit_bench
