// didit-bench: many create_session calls through one client; throughput, latency, errors.
//
//   didit-bench [--requests N] [--concurrency C] [--rate R] [--threads T] [--work-ms M]
//               [--fresh-connections] [--warm-up] [--workflow-id W] [--json]
//
// Closed loop by default: C calls in flight, each starting the next when it ends. With
// --rate R, calls start on a fixed schedule of R per second whatever is in flight (open loop),
// and latency is measured from the scheduled start, so a slow server cannot hide its delay
// (no coordinated omission). Configured by the DIDIT_* variables, or, when neither
// DIDIT_CLIENT_ID nor DIDIT_API_KEY is set, against an emulator started in this process.
// --workflow-id selects v3 (create_workflow_session; needs DIDIT_API_KEY when not on the
// embedded emulator); every call carries its own vendor_data. --threads runs the io_context on
// T threads; --work-ms makes each calling coroutine block its thread for M ms after each
// completion, like a handler doing blocking work. --fresh-connections sends every request on a
// new connection (config::keep_alive off), which resumes the last TLS session (one call first,
// --warm-up, leaves one; it is implied). --warm-up makes one call before the measured ones (it
// still counts in the client's statistics and against the rate budget). With DIDIT_REDIS_URL
// the client shares its rate budget with every other process using that Redis (DIDIT_FLEET_SHARE:
// its share while Redis is unreachable), and the summary counts the fleet events.

#include <didit/didit.hpp>
#include <didit/emulator.hpp>

#include "json_output.hpp"
#include "process_usage.hpp"
#include "scenarios.hpp"

#if DIDIT_BENCH_REDIS
#include <didit/redis.hpp>
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

using didit_bench::cpu_seconds;
using didit_bench::current_rss_kib;
using didit_bench::peak_rss_kib;

namespace {

struct options {
    std::size_t requests = 10000;
    std::size_t concurrency = 64;
    double rate = 0; ///< 0: closed loop
    bool json = false;
    std::string workflow_id; ///< non-empty: v3 creates
    std::size_t threads = 1;
    double work_ms = 0; ///< blocking work per completion
    bool fresh_connections = false;
    bool warm_up = false; ///< one call before the measured ones
    std::string scenario; ///< non-empty: run that scenario instead (scenarios.hpp)
    didit_bench::scenario_options scenario_options{};
};

constexpr const char* usage_text =
    "usage: didit-bench [--requests N] [--concurrency C] [--rate R] [--threads T] [--work-ms M]\n"
    "                   [--fresh-connections] [--warm-up] [--workflow-id W] [--json]\n"
    "       didit-bench --scenario budget [--windows N] | burst [--requests N] |\n"
    "                   refresh [--seconds S] | cold-start\n";

int usage(const std::string& problem) {
    std::cerr << "didit-bench: " << problem << "\n" << usage_text;
    return 2;
}

std::optional<options> parse(int argc, char** argv, int& status) {
    options opts;
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        if (flag == "--json") {
            opts.json = true;
            continue;
        }
        if (flag == "--warm-up") {
            opts.warm_up = true;
            continue;
        }
        if (flag == "--fresh-connections") {
            opts.fresh_connections = true;
            continue;
        }
        if (flag == "--help" || flag == "-h") {
            std::cout << usage_text;
            status = 0;
            return std::nullopt;
        }
        if (i + 1 >= argc) {
            status = usage("missing value for " + std::string{flag});
            return std::nullopt;
        }
        std::string_view value = argv[++i];
        if (flag == "--workflow-id") {
            opts.workflow_id = value;
            continue;
        }
        if (flag == "--scenario") {
            opts.scenario = value;
            continue;
        }
        double number = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (ec != std::errc{} || end != value.data() + value.size() || number <= 0) {
            status = usage(std::string{flag} + " takes a positive number");
            return std::nullopt;
        }
        if (flag == "--requests") {
            opts.requests = static_cast<std::size_t>(number);
            opts.scenario_options.requests = opts.requests;
        } else if (flag == "--windows")
            opts.scenario_options.windows = static_cast<std::size_t>(number);
        else if (flag == "--seconds")
            opts.scenario_options.seconds = number;
        else if (flag == "--concurrency")
            opts.concurrency = static_cast<std::size_t>(number);
        else if (flag == "--rate")
            opts.rate = number;
        else if (flag == "--threads")
            opts.threads = std::max<std::size_t>(1, static_cast<std::size_t>(number));
        else if (flag == "--work-ms")
            opts.work_ms = number;
        else {
            status = usage("unknown option " + std::string{flag});
            return std::nullopt;
        }
    }
    return opts;
}

/// A short name for an error, for the "errors by kind" table.
std::string kind_of(const didit::error_code& ec) {
    if (ec == asio::error::operation_aborted)
        return "cancelled";
    if (ec.category() != didit::error_category())
        return std::string{ec.category().name()} + ":" + std::to_string(ec.value());
    return didit::to_string(static_cast<didit::error>(ec.value()));
}

struct results {
    std::vector<double> latencies_ms;
    std::map<std::string, std::uint64_t> failures;
    std::size_t completed = 0;
};

class bench {
public:
    bench(asio::io_context& io, didit::client& client, const options& opts)
        : io_(io), client_(client), opts_(opts),
          vendor_prefix_("bench-" + std::to_string(std::random_device{}()) + "-") {
        results_.latencies_ms.reserve(opts.requests);
    }

    results run() {
        if (opts_.warm_up || opts_.fresh_connections)
            warm_up();
        started_ = clock_type::now();
        if (opts_.rate > 0)
            asio::co_spawn(io_, open_loop(), asio::detached);
        else
            for (std::size_t w = 0; w < std::min(opts_.concurrency, opts_.requests); ++w)
                asio::co_spawn(io_, closed_loop_worker(), asio::detached);
        auto work = asio::make_work_guard(io_);
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < opts_.threads; ++t)
            threads.emplace_back([this] { io_.run(); });
        {
            std::unique_lock lock{mutex_};
            all_done_.wait(lock, [this] { return results_.completed >= opts_.requests; });
        }
        finished_ = clock_type::now();
        work.reset();
        io_.stop();
        for (auto& t : threads)
            t.join();
        return std::move(results_);
    }

    double seconds() const { return std::chrono::duration<double>(finished_ - started_).count(); }

private:
    void record(const didit::error_code& ec, clock_type::time_point start) {
        auto latency = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
        std::lock_guard lock{mutex_};
        if (ec)
            ++results_.failures[kind_of(ec)];
        else
            results_.latencies_ms.push_back(latency);
        if (++results_.completed == opts_.requests)
            all_done_.notify_one();
    }

    /// One create, not counted: it leaves a TLS session for the measured connections to resume
    /// (the pool's first connections, or with --fresh-connections every one), as a client that
    /// has been running a while has one. Without it, how many of the first connections pay a
    /// full handshake depends on timing, and a marginal figure taken from two runs
    /// (bench/callgrind-marginal.sh) with it: a few full handshakes more or less in one run
    /// move the per-call figure by tens of thousands of instructions.
    void warm_up() {
        bool done = false;
        asio::co_spawn(io_, create(opts_.requests),
                       [&](std::exception_ptr, didit::error_code) { done = true; });
        while (!done && io_.run_one() > 0) {
        }
        io_.restart();
    }

    asio::awaitable<didit::error_code> create(std::size_t index) {
        // vendor_data is unique per call so a server can tell a duplicate from a new request.
        // Written into the frame, not a string of its own: the figures are the client's, and
        // the naive Beast peer's (short) vendor_data needs no heap either.
        char room[64];
        auto* end = std::copy(vendor_prefix_.begin(), vendor_prefix_.end(), room);
        end = std::to_chars(end, room + sizeof room, index).ptr;
        std::string_view vendor_data{room, static_cast<std::size_t>(end - room)};
        constexpr std::string_view callback = "https://example.com/kyc/done";
        didit::error_code ec;
        // Plain statements: GCC 12 mishandles co_await inside a conditional expression.
        if (opts_.workflow_id.empty()) {
            didit::session_request request{.callback = callback, .vendor_data = vendor_data};
            std::tie(ec, std::ignore) =
                co_await client_.create_session(request, asio::as_tuple(asio::use_awaitable));
        } else {
            didit::workflow_session_request request{
                .workflow_id = opts_.workflow_id, .vendor_data = vendor_data, .callback = callback};
            std::tie(ec, std::ignore) = co_await client_.create_workflow_session(
                request, asio::as_tuple(asio::use_awaitable));
        }
        co_return ec;
    }

    asio::awaitable<void> one_call(std::size_t index, clock_type::time_point start) {
        auto ec = co_await create(index);
        record(ec, start);
        if (opts_.work_ms > 0) // the caller's own blocking work, on this thread
            std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(opts_.work_ms));
    }

    asio::awaitable<void> closed_loop_worker() {
        while (next_ < opts_.requests) {
            auto index = next_++;
            co_await one_call(index, clock_type::now());
        }
    }

    asio::awaitable<void> open_loop() {
        asio::steady_timer timer{io_};
        auto interval = std::chrono::duration_cast<clock_type::duration>(
            std::chrono::duration<double>(1.0 / opts_.rate));
        for (std::size_t i = 0; i < opts_.requests; ++i) {
            auto scheduled = started_ + interval * static_cast<long>(i);
            timer.expires_at(scheduled);
            co_await timer.async_wait(asio::use_awaitable);
            asio::co_spawn(io_, one_call(i, scheduled), asio::detached);
        }
    }

    asio::io_context& io_;
    didit::client& client_;
    options opts_;
    std::string vendor_prefix_; ///< "bench-<run>-": a run's calls differ from another run's
    std::mutex mutex_;          ///< guards results_
    std::condition_variable all_done_;
    results results_;
    std::atomic<std::size_t> next_{0};
    clock_type::time_point started_, finished_;
};

/// Counts the client's fleet events: how often it lost the shared budget and got it (back).
class fleet_counter final : public didit::observer {
public:
    void on_fleet_budget(const didit::fleet_event& event) override {
        (event.what == didit::fleet_event::phase::shared ? shared : local)
            .fetch_add(1, std::memory_order_relaxed);
    }
    std::atomic<std::uint64_t> shared{0};
    std::atomic<std::uint64_t> local{0};
};

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty())
        return 0;
    auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

} // namespace

int main(int argc, char** argv) {
    int status = 0;
    auto opts = parse(argc, argv, status);
    if (!opts)
        return status;
    try {
        if (!opts->scenario.empty()) {
            auto figures = didit_bench::run_scenario(opts->scenario, opts->scenario_options);
            if (!figures)
                return usage("unknown scenario " + opts->scenario);
            std::cout << didit_cli::to_plain_json(*figures) << "\n";
            return 0;
        }
        std::optional<didit::emulator::server> emulator;
        auto cfg = didit::emulator::config_from_env_or_emulator(emulator);
        bool v3 = !opts->workflow_id.empty();
        if (emulator && v3)
            cfg = emulator->client_config(didit::api_generation::v3);
        if (v3 != (cfg.generation() == didit::api_generation::v3))
            return usage(v3 ? "--workflow-id needs DIDIT_API_KEY (v3)"
                            : "DIDIT_API_KEY selects v3: give --workflow-id");
        std::shared_ptr<fleet_counter> fleet;
        if (!cfg.fleet.redis_url.empty()) {
#if DIDIT_BENCH_REDIS
            cfg.fleet.backend = didit::redis_backend();
            fleet = std::make_shared<fleet_counter>();
            cfg.observer = fleet;
#else
            return usage("DIDIT_REDIS_URL: this didit-bench was built without didit::redis");
#endif
        }
        cfg.keep_alive = !opts->fresh_connections;
        cfg.max_connections_per_origin = std::max<std::size_t>(
            cfg.max_connections_per_origin, std::min<std::size_t>(opts->concurrency, 1024));
        asio::io_context io{static_cast<int>(opts->threads)};
        didit::client client{io.get_executor(), cfg};
        bench runner{io, client, *opts};
        auto res = runner.run();
        auto idle_rss = current_rss_kib(); // the pool's connections are all idle now
        auto cpu_s = cpu_seconds();
        // Idle connections give their buffers back after config.idle_buffer_release.
        io.restart();
        io.run_for(cfg.idle_buffer_release + std::chrono::milliseconds{250});
        auto released_rss = current_rss_kib();

        auto& lat = res.latencies_ms;
        std::sort(lat.begin(), lat.end());
        std::uint64_t failed = 0;
        boost::json::object failures;
        for (const auto& [kind, count] : res.failures) {
            failed += count;
            failures[kind] = count;
        }
        auto stats = client.stats();
        boost::json::object summary{
            {"requests", opts->requests},
            {"succeeded", lat.size()},
            {"failed", failures},
            {"rps", static_cast<double>(opts->requests) / runner.seconds()},
            {"p50_ms", percentile(lat, 0.50)},
            {"p99_ms", percentile(lat, 0.99)},
            {"max_ms", lat.empty() ? 0.0 : lat.back()},
            {"token_requests", stats.token_requests},
            {"connections_opened", stats.connections_opened},
            {"attempts", stats.attempts},
            {"retries", stats.retries},
            {"rate_limited_received", stats.rate_limited_received},
            {"budget_waits", stats.budget_waits},
            {"cpu_s", cpu_s},
            {"peak_rss_kib", peak_rss_kib()},
            {"idle_rss_kib", idle_rss},
            {"released_rss_kib", released_rss},
            {"threads", opts->threads},
            {"work_ms", opts->work_ms},
            {"fresh_connections", opts->fresh_connections},
            {"generation", v3 ? "v3" : "v1"},
            {"mode", opts->rate > 0 ? "open-loop" : "closed-loop"},
            {"concurrency", opts->concurrency},
            {"target", emulator ? "in-process emulator" : "DIDIT_API_URL"},
        };
        if (fleet)
            summary["fleet"] = {{"shared", fleet->shared.load()}, {"local", fleet->local.load()}};
        std::cout << "requests:           " << opts->requests << " (" << lat.size()
                  << " succeeded, " << failed << " failed)\n"
                  << "throughput:         " << summary["rps"].as_double() << " requests/s\n"
                  << "latency p50/p99/max: " << summary["p50_ms"].as_double() << " / "
                  << summary["p99_ms"].as_double() << " / " << summary["max_ms"].as_double()
                  << " ms\n"
                  << "token requests:     " << stats.token_requests << "\n"
                  << "connections opened: " << stats.connections_opened << "\n"
                  << "attempts / retries: " << stats.attempts << " / " << stats.retries << "\n"
                  << "429s received:      " << stats.rate_limited_received << "\n"
                  << "peak RSS:           " << peak_rss_kib() << " KiB (" << idle_rss
                  << " KiB after the run, connections idle; " << released_rss
                  << " KiB once they gave their buffers back)\n"
                  << "cpu:                " << summary["cpu_s"].as_double() << " s (this process"
                  << (emulator ? ", emulator included)" : ")") << "\n";
        for (const auto& [kind, count] : res.failures)
            std::cout << "errors " << kind << ": " << count << "\n";
        if (opts->json)
            std::cout << didit_cli::to_plain_json(summary) << "\n";
        return failed == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "didit-bench: " << e.what() << "\n";
        return 1;
    }
}
