#define BOOST_TEST_MODULE any listing paged
// client::pages(): any listing, following each page's `next` link until it is null, whatever
// `count` says. Over real TLS to the emulator: its session listing, and scripted answers for
// the shapes other listings have.
#include "support.hpp"

#include <set>

using namespace didit_test;
using didit::error;
using fault = didit::emulator::fault;

namespace {

struct page_outcome {
    didit::error_code ec;
    didit::list_page page;
};

page_outcome next_page(fixture& f, didit::list_pager& pages) {
    std::optional<page_outcome> out;
    pages.next([&](didit::error_code ec, didit::list_page page) {
        out = page_outcome{ec, std::move(page)};
    });
    f.io.restart();
    run_until(f.io, [&] { return out.has_value(); });
    return std::move(*out);
}

void to_v3(didit::config& cfg) {
    cfg = as_v3(cfg);
}

fault answer_list(std::string body) {
    return {.what = fault::kind::respond,
            .where = didit::emulator::endpoint::list_sessions,
            .status = 200,
            .body = std::move(body)};
}

} // namespace

BOOST_AUTO_TEST_CASE(the_session_listing_is_walked_to_its_end) {
    fixture f{{}, to_v3};
    std::vector<outcome> outs(25);
    for (std::size_t i = 0; i < outs.size(); ++i)
        f.client->create_workflow_session(
            {.workflow_id = "11111111-2222-3333-4444-555555555555", .vendor_data = vendor(i)},
            outs[i].diag, [&outs, i](didit::error_code ec, didit::session) {
                outs[i].ec = ec;
                outs[i].done = true;
            });
    f.run_until_done(outs);
    for (const auto& out : outs)
        BOOST_REQUIRE(!out.ec);
    auto pages = f.client->pages("/v3/sessions/?limit=10");
    std::vector<std::size_t> sizes;
    std::set<std::string> ids;
    while (!pages.done()) {
        auto got = next_page(f, pages);
        BOOST_REQUIRE_MESSAGE(!got.ec, got.ec.message());
        sizes.push_back(got.page.rows.size());
        BOOST_TEST((got.page.count == 25u));
        for (const auto& row : got.page.rows)
            ids.insert(std::string{row.at("session_id").as_string()});
    }
    BOOST_TEST((sizes == std::vector<std::size_t>{10, 10, 5}));
    BOOST_TEST(ids.size() == 25u);
    BOOST_TEST((next_page(f, pages).ec == error::invalid_request)); // done: nothing sent
    BOOST_TEST(f.emulator.stats().list_requests == 3u);
}

BOOST_AUTO_TEST_CASE(a_count_that_caps_never_stops_the_walk) {
    fixture f{{}, to_v3};
    // Two pages of a listing whose count stops at 2 while rows go on; the link names another
    // host, which the client never asks: only the link's query is followed, on our origin.
    f.emulator.inject(answer_list(
        R"({"count":2,"next":"https://elsewhere.example/v3/users/?cursor=abc","results":[{"n":1},{"n":2}]})"));
    f.emulator.inject(answer_list(R"({"count":2,"next":null,"results":[{"n":3}]})"));
    auto pages = f.client->pages("/v3/sessions/");
    std::vector<std::int64_t> seen;
    while (!pages.done()) {
        auto got = next_page(f, pages);
        BOOST_REQUIRE_MESSAGE(!got.ec, got.ec.message());
        for (const auto& row : got.page.rows)
            seen.push_back(row.at("n").as_int64());
    }
    BOOST_TEST((seen == std::vector<std::int64_t>{1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(a_bare_array_is_one_page) {
    fixture f{{}, to_v3};
    f.emulator.inject(answer_list(R"([{"workflow_id":"a"},{"workflow_id":"b"}])"));
    auto pages = f.client->pages("/v3/sessions/");
    auto got = next_page(f, pages);
    BOOST_TEST(!got.ec);
    BOOST_TEST(got.page.rows.size() == 2u);
    BOOST_TEST(!got.page.count.has_value());
    BOOST_TEST(pages.done());
}

BOOST_AUTO_TEST_CASE(what_is_not_a_listing_fails_and_can_be_asked_again) {
    fixture f{{}, to_v3};
    // A GET is repeated after an answer it cannot read: four of them use up the attempts.
    auto not_a_listing = answer_list(R"({"detail":"ok","rows":[]})");
    not_a_listing.times = didit::retry_policy{}.max_attempts;
    f.emulator.inject(not_a_listing);
    auto pages = f.client->pages("/v3/sessions/?limit=5");
    auto got = next_page(f, pages);
    BOOST_TEST((got.ec == error::invalid_response), got.ec.message());
    BOOST_TEST(!pages.done());
    auto again = next_page(f, pages); // the same page, now from the real (empty) listing
    BOOST_TEST(!again.ec);
    BOOST_TEST(again.page.rows.empty());
    BOOST_TEST(pages.done());

    auto bad = f.client->pages("https://elsewhere.example/v3/users/");
    BOOST_TEST((next_page(f, bad).ec == error::invalid_request));
}
