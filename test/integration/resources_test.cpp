#define BOOST_TEST_MODULE management resources
#include "support.hpp"

#include <boost/json/serialize.hpp>

#include <set>

using namespace didit_test;
using didit::error;
namespace json = boost::json;

namespace {

fixture v3_fixture(didit::emulator::options opts = {}) {
    return fixture{std::move(opts), [](didit::config& cfg) { cfg = as_v3(cfg); }};
}

struct call_outcome {
    didit::error_code ec;
    didit::api_response answer;
    didit::diagnostics diag;
};

call_outcome call(fixture& f, std::string_view method, std::string_view path,
                  std::optional<json::value> body = std::nullopt) {
    call_outcome out;
    std::vector<outcome> done(1);
    auto finish = [&](didit::error_code ec, didit::api_response answer) {
        out.ec = ec;
        out.answer = std::move(answer);
        done[0].done = true;
    };
    if (body)
        f.client->call(method, path, *body, out.diag, finish);
    else
        f.client->call(method, path, out.diag, finish);
    f.run_until_done(done);
    return out;
}

/// Every row of a listing, and how many pages it took.
std::pair<std::vector<json::value>, std::size_t> walk(fixture& f, std::string_view path) {
    auto pages = f.client->pages(path);
    std::vector<json::value> rows;
    std::size_t count = 0;
    while (!pages.done()) {
        std::vector<outcome> done(1);
        pages.next([&](didit::error_code ec, didit::list_page page) {
            BOOST_REQUIRE_MESSAGE(!ec, ec.message());
            rows.insert(rows.end(), page.rows.begin(), page.rows.end());
            ++count;
            done[0].done = true;
        });
        f.run_until_done(done);
    }
    return {rows, count};
}

std::string create_session(fixture& f, std::string vendor_data) {
    auto out = call(f, "POST", "/v3/session/",
                    json::object{{"workflow_id", "11111111-2222-3333-4444-555555555555"},
                                 {"vendor_data", vendor_data}});
    BOOST_REQUIRE(!out.ec);
    return std::string{out.answer.body.at("session_id").as_string()};
}

} // namespace

BOOST_AUTO_TEST_CASE(the_pager_walks_250_users_in_pages_of_100_whatever_count_says) {
    auto f = v3_fixture();
    for (int i = 0; i < 250; ++i)
        BOOST_REQUIRE(!call(f, "POST", "/v3/users/create/",
                            json::object{{"vendor_data", "user-" + std::to_string(i)}})
                           .ec);
    auto before = f.emulator.stats().management_requests;
    auto first = call(f, "GET", "/v3/users/?limit=100");
    BOOST_TEST(first.answer.body.at("count").as_int64() == 100); // capped, as the service does
    auto [rows, pages] = walk(f, "/v3/users/?limit=100");
    BOOST_TEST(pages == 3u);
    BOOST_TEST(f.emulator.stats().management_requests - before == 4u); // one page above, 3 here
    std::set<std::string> seen;
    for (const auto& row : rows)
        seen.insert(std::string{row.at("vendor_data").as_string()});
    BOOST_TEST(rows.size() == 250u);
    BOOST_TEST(seen.size() == 250u); // every row once
}

BOOST_AUTO_TEST_CASE(users_are_created_filtered_patched_and_deleted_in_batches) {
    auto f = v3_fixture();
    create_session(f, "person/with space");
    BOOST_TEST(!call(f, "POST", "/v3/users/create/",
                     json::object{{"vendor_data", "bob"}, {"full_name", "Bob Stone"}})
                    .ec);
    auto duplicate = call(f, "POST", "/v3/users/create/", json::object{{"vendor_data", "bob"}});
    BOOST_TEST((duplicate.ec == error::bad_request));
    // A session's vendor_data is a user; its key is URL-encoded in the path.
    BOOST_TEST(didit::user_path("person/with space") == "/v3/users/person%2Fwith%20space/");
    auto got = call(f, "GET", didit::user_path("person/with space"));
    BOOST_REQUIRE(!got.ec);
    BOOST_TEST(got.answer.body.at("session_count").as_int64() == 1);
    auto patched =
        call(f, "PATCH", "/v3/users/bob/update-status/", json::object{{"status", "BLOCKED"}});
    BOOST_REQUIRE(!patched.ec);
    auto [blocked, pages] = walk(f, "/v3/users/?status=BLOCKED");
    BOOST_TEST(blocked.size() == 1u);
    auto bad = call(f, "PATCH", "/v3/users/bob/update-status/", json::object{{"status", "GONE"}});
    BOOST_TEST((bad.ec == error::bad_request));
    auto deleted = call(f, "POST", "/v3/users/delete/",
                        json::object{{"vendor_data_list", json::array{"bob", "nobody"}}});
    BOOST_REQUIRE(!deleted.ec);
    BOOST_TEST(deleted.answer.body.at("deleted").as_int64() == 1);
    BOOST_TEST((call(f, "GET", "/v3/users/bob/").ec == error::not_found));
}

BOOST_AUTO_TEST_CASE(the_blocklist_adds_lists_and_removes_a_sessions_records) {
    auto f = v3_fixture();
    auto id = create_session(f, "carol");
    auto none = call(f, "POST", "/v3/blocklist/add/", json::object{{"session_id", id}});
    BOOST_TEST((none.ec == error::bad_request)); // at least one kind must be chosen
    BOOST_REQUIRE(
        !call(f, "POST", "/v3/blocklist/add/",
              json::object{{"session_id", id}, {"blocklist_face", true}, {"blocklist_email", true}})
             .ec);
    auto [all, pages] = walk(f, "/v3/blocklist/");
    BOOST_TEST(all.size() == 2u);
    auto [faces, more] = walk(f, "/v3/blocklist/?item_type=face");
    BOOST_TEST(faces.size() == 1u);
    BOOST_REQUIRE(!call(f, "POST", "/v3/blocklist/remove/",
                        json::object{{"session_id", id}, {"unblock_face", true}})
                       .ec);
    auto [left, again] = walk(f, "/v3/blocklist/");
    BOOST_REQUIRE(left.size() == 1u);
    BOOST_TEST(left[0].at("type").as_string() == "email");
}

BOOST_AUTO_TEST_CASE(workflows_webhook_settings_deliveries_and_balance) {
    auto f = v3_fixture();
    auto [workflows, pages] = walk(f, "/v3/workflows/");
    BOOST_REQUIRE(workflows.size() == 2u);
    auto uuid = std::string{workflows[0].at("uuid").as_string()};
    BOOST_TEST(!call(f, "GET", "/v3/workflows/" + uuid + "/").ec);

    auto settings = call(f, "GET", "/v3/webhook/");
    BOOST_REQUIRE(!settings.ec);
    auto old_secret = settings.answer.body.at("secret_shared_key");
    auto rotated = call(f, "PATCH", "/v3/webhook/", json::object{{"rotate_secret_key", true}});
    BOOST_REQUIRE(!rotated.ec);
    BOOST_TEST(rotated.answer.body.at("secret_shared_key") != old_secret);
    auto invalid = call(f, "PATCH", "/v3/webhook/", json::object{{"data_retention_months", 500}});
    BOOST_TEST((invalid.ec == error::bad_request));

    // Each status change is a delivery of the default destination; a resend adds an attempt.
    create_session(f, "dave");
    auto [destinations, d_pages] = walk(f, "/v3/webhook/destinations/");
    BOOST_REQUIRE(destinations.size() == 1u);
    auto deliveries_path = "/v3/webhook/destinations/" +
                           std::string{destinations[0].at("uuid").as_string()} + "/deliveries/";
    auto [deliveries, dl_pages] = walk(f, deliveries_path);
    BOOST_REQUIRE(deliveries.size() == 1u);
    auto resent =
        call(f, "POST",
             deliveries_path + std::string{deliveries[0].at("uuid").as_string()} + "/resend/");
    BOOST_REQUIRE(!resent.ec);
    BOOST_TEST(resent.answer.body.at("attempt").as_int64() == 2);
    BOOST_TEST(walk(f, deliveries_path).first.size() == 2u);

    auto balance = call(f, "GET", "/v3/billing/balance/");
    BOOST_REQUIRE(!balance.ec);
    BOOST_TEST(balance.answer.body.at("balance").as_string() == "1000.0000");
    f.emulator.set_account_state(didit::emulator::account_state::no_credits);
    BOOST_TEST(call(f, "GET", "/v3/billing/balance/").answer.body.at("balance").as_string() ==
               "0.0000");
}
