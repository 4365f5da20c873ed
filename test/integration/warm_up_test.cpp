#define BOOST_TEST_MODULE nothing waits that need not
// warm_up() does the token fetch and the handshakes before the first calls arrive, and tokens
// are refreshed before they expire: counted by the emulator and the client, never timed.
#include "support.hpp"

using namespace didit_test;
using didit::error;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

didit::error_code warm(fixture& f, std::size_t connections) {
    std::optional<didit::error_code> result;
    f.client->warm_up(connections, [&](didit::error_code ec) { result = ec; });
    f.io.restart();
    while (!result)
        BOOST_REQUIRE(f.io.run_one() > 0);
    return *result;
}

} // namespace

BOOST_AUTO_TEST_CASE(warm_up_fetches_the_token_and_opens_the_connections_first_calls_use) {
    fixture f;
    BOOST_TEST(!warm(f, 4));
    auto warmed = f.emulator.stats();
    BOOST_TEST(warmed.token_requests == 1u);
    BOOST_TEST(warmed.connections_accepted == 4u);
    BOOST_TEST(f.client->stats().connections_opened == 4u); // TLS established
    BOOST_TEST(warmed.create_session_requests == 0u);

    // Four calls at once: no new connection, no token request, no call waited for a token.
    auto outs = f.create_concurrently(4);
    BOOST_TEST(count_succeeded(outs) == 4u);
    auto after = f.emulator.stats();
    BOOST_TEST(after.connections_accepted == 4u);
    BOOST_TEST(after.token_requests == 1u);
    BOOST_TEST(f.client->stats().token_waits == 0u);
    BOOST_TEST(f.client->stats().connections_opened == 4u);

    // Warming again opens only what is missing, and never beyond the pool's limit.
    BOOST_TEST(!warm(f, 100));
    BOOST_TEST(f.emulator.stats().connections_accepted == f.cfg.max_connections_per_origin);
    BOOST_TEST(f.emulator.stats().token_requests == 1u);
}

BOOST_AUTO_TEST_CASE(a_v3_client_warms_its_connections_without_a_token) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    BOOST_TEST(!warm(f, 2));
    BOOST_TEST(f.emulator.stats().connections_accepted == 2u);
    BOOST_TEST(f.emulator.stats().token_requests == 0u);
}

BOOST_AUTO_TEST_CASE(warm_up_reports_what_stops_it) {
    fixture f{{}, [](didit::config& cfg) { cfg.client_secret = "not-the-secret"; }};
    BOOST_TEST((warm(f, 2) == error::token_rejected));
    BOOST_TEST(f.emulator.stats().connections_accepted <= 1u); // the token endpoint's only
}

BOOST_AUTO_TEST_CASE(no_call_waits_for_a_token_across_refreshes) {
    // Tokens live one second: the client refreshes each in the background once 0.9 s of it has
    // passed, while calls go on with the old one. Over three refreshes, not one call waits.
    didit::emulator::options opts;
    opts.token_lifetime = std::chrono::seconds{1};
    fixture f{opts};
    BOOST_TEST(!warm(f, 2));
    std::size_t n = 0;
    while (f.emulator.stats().tokens_issued < 4) {
        auto out = f.create(n++);
        BOOST_REQUIRE_MESSAGE(!out.ec, out.ec.message());
    }
    auto seen = f.emulator.stats();
    BOOST_TEST(f.client->stats().token_waits == 0u);
    BOOST_TEST(seen.create_session_requests == seen.sessions_created); // no 401: never expired
    BOOST_TEST(seen.token_requests == seen.tokens_issued); // each refresh asked for once
}
