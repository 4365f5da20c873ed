#define BOOST_TEST_MODULE rate budget
// The service's budget used in full, and bursts larger than it: counted by the emulator in
// its own windows (creates_let_through) and by the client's completions, never timed.
#include "support.hpp"

#include <algorithm>
#include <set>

using namespace didit_test;
using namespace std::chrono_literals;
using didit::error;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

/// Only creates are scarce: the other scopes never bind.
didit::emulator::rate_limits creates_per_window(std::chrono::milliseconds window, unsigned limit) {
    return {.window = window,
            .generic_get = 100000,
            .generic_write = 100000,
            .create_session = limit,
            .generate_pdf = 100000,
            .retrieve_decision = 100000};
}

struct burst {
    std::vector<outcome> outs;
    std::vector<std::size_t> completion_order; ///< call indices, as their handlers ran
};

/// `count` v3 creates started at once (call i with vendor_data vendor(i)), run to completion.
burst create_at_once(fixture& f, std::size_t count) {
    burst b;
    b.outs.resize(count);
    for (std::size_t i = 0; i < count; ++i)
        f.client->create_workflow_session(
            {.workflow_id = std::string{workflow}, .vendor_data = vendor(i)}, b.outs[i].diag,
            [&b, i](didit::error_code ec, didit::session s) {
                b.outs[i].ec = ec;
                b.outs[i].session = std::move(s);
                b.outs[i].done = true;
                b.completion_order.push_back(i);
            });
    f.run_until_done(b.outs);
    return b;
}

/// How many calls succeeded; fails the test unless they are the first ones started (the budget
/// serves in arrival order) and every other one was refused by the budget before any attempt.
std::size_t served_prefix(const std::vector<outcome>& outs) {
    std::size_t served = 0;
    while (served < outs.size() && !outs[served].ec)
        ++served;
    for (std::size_t i = served; i < outs.size(); ++i) {
        BOOST_TEST((outs[i].ec == error::rate_limited), i << ": " << outs[i].ec.message());
        BOOST_TEST(outs[i].diag.attempts == 0u);
        BOOST_TEST(outs[i].diag.retry_after.has_value());
    }
    return served;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_whole_budget_is_used_in_every_window_and_never_a_429) {
    // 60 creates per 2 s window; 900 calls, three times what five windows hold, each with 11 s.
    const auto window = 2s;
    const unsigned limit = 60;
    didit::emulator::server emulator;
    emulator.enable_rate_limits(creates_per_window(window, limit));
    fixture f;
    auto cfg = as_v3(emulator.client_config());
    cfg.request_timeout = 11s;
    f.client.emplace(f.io.get_executor(), cfg);
    auto b = create_at_once(f, 900);

    BOOST_TEST(emulator.stats().throttled == 0u);
    auto served = served_prefix(b.outs);
    BOOST_TEST_MESSAGE(served << " served, " << b.outs.size() - served << " refused");
    BOOST_TEST(served >= 5 * limit);
    std::size_t refused_on_arrival = 0;
    for (const auto& out : b.outs)
        refused_on_arrival += out.diag.message.find("ahead in line") != std::string::npos;
    BOOST_TEST(refused_on_arrival == b.outs.size() - served); // none waited for nothing

    // The service's own windows, from its first accepted create: at least 98 % of the limit in
    // each of the five full windows while the demand lasted.
    auto let_through = emulator.creates_let_through();
    BOOST_REQUIRE(!let_through.empty());
    for (int k = 0; k < 5; ++k) {
        auto from = let_through.front() + k * window;
        auto in_window = std::count_if(let_through.begin(), let_through.end(),
                                       [&](auto t) { return t >= from && t < from + window; });
        BOOST_TEST_MESSAGE("window " << k << ": " << in_window << " of " << limit);
        BOOST_TEST(in_window >= 59, "window " << k << ": " << in_window << " of " << limit);
        BOOST_TEST(in_window <= static_cast<long>(limit));
    }
}

BOOST_AUTO_TEST_CASE(a_long_line_drains_at_the_budgets_pace_in_arrival_order) {
    // 300 calls against 50 creates per 500 ms, each with time to wait: all are served, window
    // after window, the first 50 started first, the next 50 next, and so on.
    const unsigned limit = 50;
    didit::emulator::server emulator;
    emulator.enable_rate_limits(creates_per_window(500ms, limit));
    fixture f;
    auto cfg = as_v3(emulator.client_config());
    cfg.request_timeout = 60s;
    f.client.emplace(f.io.get_executor(), cfg);
    auto b = create_at_once(f, 300);

    BOOST_TEST(served_prefix(b.outs) == 300u);
    BOOST_TEST(emulator.stats().throttled == 0u);
    BOOST_TEST(emulator.stats().sessions_created == 300u);
    for (std::size_t batch = 0; batch < 300 / limit; ++batch) {
        std::set<std::size_t> completed(b.completion_order.begin() + batch * limit,
                                        b.completion_order.begin() + (batch + 1) * limit);
        BOOST_TEST(*completed.begin() == batch * limit, "batch " << batch);
        BOOST_TEST(*completed.rbegin() == (batch + 1) * limit - 1, "batch " << batch);
    }
}

BOOST_AUTO_TEST_CASE(a_burst_far_beyond_the_budget_is_refused_at_once_beyond_what_fits) {
    // 5,000 calls with 1 s each against 100 creates per 2 s: the first 100 go, every other one
    // learns on arrival that its slot would come too late, without any attempt or wait.
    didit::emulator::server emulator;
    emulator.enable_rate_limits(creates_per_window(2s, 100));
    fixture f;
    auto cfg = as_v3(emulator.client_config());
    cfg.request_timeout = 1s;
    f.client.emplace(f.io.get_executor(), cfg);
    auto b = create_at_once(f, 5000);

    BOOST_TEST(served_prefix(b.outs) == 100u);
    BOOST_TEST(emulator.stats().create_session_requests == 100u);
    BOOST_TEST(emulator.stats().throttled == 0u);
    BOOST_TEST(f.client->stats().budget_waits == 0u);
    for (std::size_t i = 100; i < b.outs.size(); ++i)
        BOOST_TEST(b.outs[i].diag.message.find("ahead in line") != std::string::npos);
    // They were refused before the first served call finished: first in completion order.
    BOOST_TEST(std::count_if(b.completion_order.begin(), b.completion_order.begin() + 4900,
                             [](std::size_t i) { return i >= 100; }) == 4900);
}
