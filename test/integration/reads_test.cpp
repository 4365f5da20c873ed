#define BOOST_TEST_MODULE reading sessions
// Decisions, listings and credential checks through the emulator over TLS, written as users
// write them: coroutines awaiting the client.

#include "support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

using namespace didit_test;
using boost::asio::awaitable;
using didit::error;
using didit::feature_status;
using didit::session_status;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

/// Runs `body` as a coroutine on the fixture's io_context until it returns; rethrows what it
/// throws (a failed co_await throws system_error).
template <class Body> void await_in(fixture& f, Body body) {
    std::vector<outcome> outs(1);
    std::exception_ptr failure;
    boost::asio::co_spawn(f.io, body(), [&](std::exception_ptr e) {
        failure = e;
        outs[0].done = true;
    });
    f.run_until_done(outs);
    if (failure)
        std::rethrow_exception(failure);
}

/// A token for co_await that stores the error in `ec` instead of throwing it.
auto into(didit::error_code& ec) {
    return boost::asio::redirect_error(boost::asio::use_awaitable, ec);
}

awaitable<std::string> create_v3(didit::client& client, std::string_view vendor_data) {
    auto s = co_await client.create_workflow_session(
        {.workflow_id = workflow, .vendor_data = vendor_data, .metadata = R"({"plan":"gold"})"});
    co_return s.session_id;
}

} // namespace

BOOST_AUTO_TEST_SUITE(v1)

BOOST_AUTO_TEST_CASE(the_decision_of_a_declined_session_has_its_checks) {
    fixture f;
    const auto id = f.create(7).session.session_id;
    BOOST_REQUIRE(f.emulator.finish_session(id, "Declined"));
    await_in(f, [&]() -> awaitable<void> {
        auto d = co_await f.client->retrieve_decision(id);
        BOOST_TEST((d.generation == didit::api_generation::v1));
        BOOST_TEST(d.session_id == id);
        BOOST_TEST((d.status == session_status::declined));
        BOOST_TEST(d.vendor_data.value_or("") == vendor(7));
        BOOST_REQUIRE(d.kyc.has_value());
        BOOST_TEST((d.kyc->status == feature_status::approved));
        BOOST_TEST(d.kyc->first_name.value_or("") == "José");
        BOOST_REQUIRE(d.face.has_value());
        BOOST_TEST((d.face->status == feature_status::declined));
        BOOST_REQUIRE(d.warnings.size() == 1u);
        BOOST_TEST(d.warnings[0].risk.value_or("") == "LOW_FACE_MATCH_SIMILARITY");
        BOOST_TEST(d.id_verifications.empty());
    });
    BOOST_TEST(f.emulator.stats().decision_requests == 1u);
    BOOST_TEST(f.emulator.stats().requests_with_api_key == 0u);
}

BOOST_AUTO_TEST_CASE(before_the_person_finishes_there_are_no_checks_and_reviews_show_later) {
    fixture f;
    const auto id = f.create().session.session_id;
    await_in(f, [&]() -> awaitable<void> {
        auto d = co_await f.client->retrieve_decision(id);
        BOOST_TEST((d.status == session_status::not_started));
        BOOST_TEST(!d.kyc.has_value());
        BOOST_TEST(!d.face.has_value());
        BOOST_TEST(d.reviews.empty());
    });
    BOOST_REQUIRE(f.emulator.finish_session(id, "In Review"));
    await_in(f, [&]() -> awaitable<void> {
        co_await f.client->update_status(
            {.session_id = id, .new_status = didit::review_status::approved, .comment = "ok"});
        auto d = co_await f.client->retrieve_decision(id);
        BOOST_TEST((d.status == session_status::approved));
        BOOST_REQUIRE(d.reviews.size() == 1u);
        BOOST_TEST(d.reviews[0].comment.value_or("") == "ok");
        BOOST_TEST((d.reviews[0].new_status->value == session_status::approved));
    });
}

BOOST_AUTO_TEST_CASE(unknown_and_deleted_sessions_have_no_decision) {
    fixture f;
    const auto id = f.create().session.session_id;
    await_in(f, [&]() -> awaitable<void> {
        co_await f.client->delete_session(id);
        didit::error_code ec;
        didit::diagnostics diag;
        co_await f.client->retrieve_decision(id, diag, into(ec));
        BOOST_TEST((ec == error::not_found));
        BOOST_TEST(diag.http_status == 404);
        co_await f.client->retrieve_decision("no-such-session", diag, into(ec));
        BOOST_TEST((ec == error::not_found));
    });
}

BOOST_AUTO_TEST_CASE(a_malformed_decision_is_an_error_naming_the_field) {
    fixture f;
    f.emulator.inject(
        {.what = didit::emulator::fault::kind::respond,
         .where = didit::emulator::endpoint::decision,
         .times = f.cfg.retry.max_attempts, // a read is retried after an unreadable answer
         .status = 200,
         .body = R"({"session_id":"abc","status":"Approved","kyc":{"status":false}})"});
    await_in(f, [&]() -> awaitable<void> {
        didit::error_code ec;
        didit::diagnostics diag;
        co_await f.client->retrieve_decision("abc", diag, into(ec));
        BOOST_TEST((ec == error::invalid_response));
        BOOST_TEST(diag.message.find("kyc.status must be a string (got boolean)") !=
                       std::string::npos,
                   diag.message);
    });
}

BOOST_AUTO_TEST_CASE(checking_credentials_obtains_one_token) {
    fixture f;
    await_in(f, [&]() -> awaitable<void> {
        co_await f.client->check_credentials();
        co_await f.client->check_credentials(); // the cached token is proof enough
    });
    BOOST_TEST(f.emulator.stats().token_requests == 1u);

    fixture wrong{{}, [](didit::config& cfg) { cfg.client_secret = "not-the-secret"; }};
    await_in(wrong, [&]() -> awaitable<void> {
        didit::error_code ec;
        didit::diagnostics diag;
        co_await wrong.client->check_credentials(diag, into(ec));
        BOOST_TEST((ec == error::token_rejected));
        BOOST_TEST((ec == didit::condition::unauthorized));
        BOOST_TEST(diag.http_status == 401);
    });
}

BOOST_AUTO_TEST_CASE(listing_is_v3_only_and_refused_before_any_traffic) {
    fixture f;
    await_in(f, [&]() -> awaitable<void> {
        didit::error_code ec;
        didit::diagnostics diag;
        co_await f.client->list_sessions({}, diag, into(ec));
        BOOST_TEST((ec == error::unsupported_operation));
        BOOST_TEST(diag.message.find("v3") != std::string::npos);
        auto pages = f.client->sessions({});
        co_await pages.next(into(ec));
        BOOST_TEST((ec == error::unsupported_operation));
    });
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(v3)

BOOST_AUTO_TEST_CASE(the_decision_is_in_the_v3_shape) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    await_in(f, [&]() -> awaitable<void> {
        auto id = co_await create_v3(*f.client, "user-9");
        BOOST_REQUIRE(f.emulator.finish_session(id, "In Review"));
        auto d = co_await f.client->retrieve_decision(id);
        BOOST_TEST((d.generation == didit::api_generation::v3));
        BOOST_TEST((d.status == session_status::in_review));
        BOOST_TEST(d.workflow_id.value_or("") == workflow);
        BOOST_TEST(d.metadata.at("plan").as_string() == "gold");
        BOOST_REQUIRE(d.aml_screenings.size() == 1u);
        BOOST_TEST((d.aml_screenings[0].status == feature_status::in_review));
        BOOST_TEST(d.aml_screenings[0].hits.size() == 1u);
        BOOST_TEST(d.aml_screenings[0].node_id.value_or("") == "feature_aml");
        BOOST_REQUIRE(d.id_verifications.size() == 1u);
        BOOST_TEST((d.id_verifications[0].document_type->value == didit::document_type::passport));
        BOOST_REQUIRE(d.liveness_checks.size() == 1u);
        BOOST_TEST((d.liveness_checks[0].method->value == didit::liveness_method::passive));
        BOOST_TEST(d.face_matches.size() == 1u);
        BOOST_TEST(d.ip_analyses.size() == 1u);
        BOOST_TEST(d.nfc_verifications.empty());
        BOOST_TEST(!d.kyc.has_value());
    });
    BOOST_TEST(f.emulator.stats().requests_with_authorization == 0u);
}

BOOST_AUTO_TEST_CASE(the_decision_scope_is_limited_separately) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    f.emulator.enable_rate_limits({.retrieve_decision = 2});
    await_in(f, [&]() -> awaitable<void> {
        auto id = co_await create_v3(*f.client, "user-1");
        co_await f.client->retrieve_decision(id);
        co_await f.client->retrieve_decision(id);
        didit::error_code ec;
        didit::diagnostics diag;
        co_await f.client->retrieve_decision(id, diag, into(ec));
        BOOST_TEST((ec == error::rate_limited));
        BOOST_TEST(diag.retry_after.has_value());
        co_await f.client->list_sessions({}); // other reads are not throttled by it
    });
}

BOOST_AUTO_TEST_CASE(filters_select_by_vendor_data_and_status_in_either_form) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    await_in(f, [&]() -> awaitable<void> {
        // Alice's first session is finished before her second is created: an unfinished one
        // would be returned again (creates are idempotent by vendor_data).
        auto approved = co_await create_v3(*f.client, "alice");
        BOOST_REQUIRE(f.emulator.finish_session(approved, "Approved"));
        auto reviewed = co_await create_v3(*f.client, "bob");
        BOOST_REQUIRE(f.emulator.finish_session(reviewed, "In Review"));
        co_await create_v3(*f.client, "alice");

        auto alice = co_await f.client->list_sessions({.vendor_data = "alice"});
        BOOST_TEST(alice.count == 2u);
        for (const auto& row : alice.results)
            BOOST_TEST(row.vendor_data.value_or("") == "alice");

        auto enum_form = co_await f.client->list_sessions({.status = "APPROVED"});
        BOOST_REQUIRE(enum_form.results.size() == 1u);
        BOOST_TEST(enum_form.results[0].session_id == approved);
        BOOST_TEST((enum_form.results[0].status == session_status::approved));

        auto finished = co_await f.client->list_sessions({.status = "Approved,In Review"});
        BOOST_TEST(finished.count == 2u);
        auto both = co_await f.client->list_sessions({.vendor_data = "bob", .status = "Approved"});
        BOOST_TEST(both.count == 0u);
        BOOST_TEST(both.results.empty());
        auto search = co_await f.client->list_sessions({.search = "lic"});
        BOOST_TEST(search.count == 2u);
        // Finished sessions have a document: its country and name are searchable too.
        auto spanish = co_await f.client->list_sessions({.country = "ESP"});
        BOOST_TEST(spanish.count == 2u);
        auto by_name = co_await f.client->list_sessions({.search = "Müller"});
        BOOST_TEST(by_name.count == 2u);
    });
}

BOOST_AUTO_TEST_CASE(the_pager_walks_every_page_newest_first) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    await_in(f, [&]() -> awaitable<void> {
        for (int i = 0; i < 7; ++i) // finished, so that the next create makes a new one
            BOOST_REQUIRE(
                f.emulator.finish_session(co_await create_v3(*f.client, "walker"), "Declined"));
        co_await create_v3(*f.client, "someone-else");

        auto pages = f.client->sessions({.vendor_data = "walker", .limit = 3});
        std::vector<std::size_t> sizes;
        std::set<std::string> seen;
        std::int64_t previous_number = INT64_MAX;
        while (!pages.done()) {
            auto page = co_await pages.next();
            BOOST_TEST(page.count == 7u);
            sizes.push_back(page.results.size());
            for (const auto& row : page.results) {
                seen.insert(row.session_id);
                BOOST_TEST(row.session_number.value_or(INT64_MAX) < previous_number);
                previous_number = row.session_number.value_or(INT64_MAX);
            }
        }
        BOOST_TEST(sizes == (std::vector<std::size_t>{3, 3, 1}), boost::test_tools::per_element());
        BOOST_TEST(seen.size() == 7u);

        didit::error_code ec;
        co_await pages.next(into(ec));
        BOOST_TEST((ec == error::invalid_request)); // nothing left to fetch

        auto second =
            co_await f.client->list_sessions({.vendor_data = "walker", .limit = 3, .offset = 3});
        BOOST_TEST(second.results.size() == 3u);
        BOOST_TEST(second.next.has_value());
        BOOST_TEST(second.previous.has_value());
    });
    BOOST_TEST(f.emulator.stats().list_requests == 4u);
}

BOOST_AUTO_TEST_CASE(pages_of_both_kinds_are_walked_without_skipping_or_repeating) {
    // session_kind=all pages KYC and KYB side by side: a page holds up to `limit` of each, so
    // only the service's `next` link says where the next page starts.
    didit::emulator::options opts;
    fixture f{opts, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    await_in(f, [&]() -> awaitable<void> {
        std::set<std::string> created;
        for (int i = 0; i < 5; ++i)
            created.insert(co_await create_v3(*f.client, "kyc-" + std::to_string(i)));
        for (int i = 0; i < 3; ++i) {
            auto s = co_await f.client->create_workflow_session(
                {.workflow_id = opts.business_workflow_id,
                 .vendor_data = "kyb-" + std::to_string(i)});
            created.insert(s.session_id);
        }
        auto pages = f.client->sessions({.session_kind = "all", .limit = 2});
        std::multiset<std::string> seen;
        while (!pages.done()) {
            // A page may take its own options, as any call.
            auto page =
                co_await pages.next(didit::with_options({.retry = didit::retry_policy::none()}));
            for (const auto& row : page.results)
                seen.insert(row.session_id);
        }
        BOOST_TEST(seen.size() == created.size());                                // nothing twice
        BOOST_TEST((std::set<std::string>{seen.begin(), seen.end()} == created)); // nothing skipped
    });
    // Pages of 2 KYC + 2 KYB, 2 + 1, then 1 KYC alone.
    BOOST_TEST(f.emulator.stats().list_requests == 3u);
}

BOOST_AUTO_TEST_CASE(a_bad_limit_is_refused_before_any_traffic) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    await_in(f, [&]() -> awaitable<void> {
        didit::error_code ec;
        didit::diagnostics diag;
        co_await f.client->list_sessions({.limit = 0}, diag, into(ec));
        BOOST_TEST((ec == error::invalid_request));
        BOOST_TEST(diag.message.find("limit") != std::string::npos);
    });
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(checking_credentials_reads_with_the_api_key) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    await_in(f, [&]() -> awaitable<void> { co_await f.client->check_credentials(); });
    BOOST_TEST(f.emulator.stats().list_requests == 1u);

    fixture wrong{{}, [](didit::config& cfg) {
                      cfg = as_v3(cfg);
                      cfg.api_key = "wrong-key";
                  }};
    await_in(wrong, [&]() -> awaitable<void> {
        didit::error_code ec;
        co_await wrong.client->check_credentials(into(ec));
        BOOST_TEST((ec == error::unauthorized));
    });
    BOOST_TEST(wrong.emulator.stats().requests_with_authorization == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
