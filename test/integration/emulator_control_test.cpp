#define BOOST_TEST_MODULE emulator control endpoints
// The HTTP control endpoints under /__emulator/, as a test in another language uses them:
// plain HTTPS requests beside a real client.
#include "raw_https.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>

using namespace didit_test;
using didit::error;
namespace http = boost::beast::http;

namespace {

raw::answer control(const didit::emulator::server& emulator, http::verb method,
                    const std::string& path, std::string body = {}) {
    return raw::request(emulator, method, "/__emulator/" + path,
                        {{"Content-Type", "application/json"}}, std::move(body));
}

std::string json_text(const raw::answer& answer, const char* field) {
    return std::string{boost::json::parse(answer.body).at(field).as_string()};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_session_is_finished_and_moved_over_http) {
    fixture f;
    auto created = f.create(1);
    BOOST_REQUIRE(!created.ec);
    auto id = created.session.session_id;

    auto finished = control(f.emulator, http::verb::post, "sessions/" + id + "/finish",
                            R"({"status":"Declined"})");
    BOOST_TEST(finished.status == 200u, finished.body);
    BOOST_TEST(f.emulator.session_status(id).value_or("") == "Declined");
    auto read = control(f.emulator, http::verb::get, "sessions/" + id);
    BOOST_TEST(json_text(read, "status") == "Declined");

    std::optional<didit::decision> decided;
    f.client->retrieve_decision(id, [&](didit::error_code ec, didit::decision d) {
        BOOST_TEST(!ec);
        decided = std::move(d);
    });
    run_until(f.io, [&] { return decided.has_value(); });
    BOOST_TEST(decided->status.text == "Declined");

    // Not an outcome; no such session; a move the lifecycle has not.
    BOOST_TEST(control(f.emulator, http::verb::post, "sessions/" + id + "/finish",
                       R"({"status":"In Progress"})")
                   .status == 400u);
    BOOST_TEST(
        control(f.emulator, http::verb::post, "sessions/nope/finish", R"({"status":"Approved"})")
            .status == 404u);
    auto backwards = control(f.emulator, http::verb::post, "sessions/" + id + "/status",
                             R"({"status":"Not Started"})");
    BOOST_TEST(backwards.status == 409u);
    BOOST_TEST(f.emulator.stats().other_requests == 0u); // control requests are not the API's
}

BOOST_AUTO_TEST_CASE(faults_are_injected_and_cleared_over_http) {
    fixture f{{}, [](didit::config& cfg) { cfg.retry = didit::retry_policy::none(); }};
    auto injected = control(f.emulator, http::verb::post, "faults",
                            R"({"kind":"respond","endpoint":"create_session","status":503,
                                "body":"{\"detail\":\"maintenance\"}","retry_after":1})");
    BOOST_TEST(injected.status == 201u, injected.body);
    auto refused = f.create(1);
    BOOST_TEST((refused.ec == error::service_unavailable));
    BOOST_TEST(refused.diag.detail == "maintenance");

    control(f.emulator, http::verb::post, "faults", R"({"kind":"close_on_arrival","times":3})");
    BOOST_TEST(control(f.emulator, http::verb::delete_, "faults").status == 204u);
    BOOST_TEST(!f.create(2).ec); // the cleared faults never struck

    auto bad = control(f.emulator, http::verb::post, "faults", R"({"kind":"explode"})");
    BOOST_TEST(bad.status == 400u);
    BOOST_TEST(json_text(bad, "detail").find("kind") != std::string::npos);
    auto bad_status = control(f.emulator, http::verb::post, "faults", R"({"status":"503"})");
    BOOST_TEST(bad_status.status == 400u);
    BOOST_TEST(json_text(bad_status, "detail").find("status") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(counters_are_read_and_everything_is_reset_over_http) {
    fixture f;
    auto created = f.create(1);
    BOOST_REQUIRE(!created.ec);
    auto counters = boost::json::parse(control(f.emulator, http::verb::get, "counters").body);
    BOOST_TEST(counters.at("sessions_created").to_number<std::uint64_t>() == 1u);
    BOOST_TEST(counters.at("token_requests").to_number<std::uint64_t>() == 1u);

    BOOST_TEST(control(f.emulator, http::verb::post, "tokens/expire").status == 204u);
    BOOST_TEST(control(f.emulator, http::verb::post, "reset").status == 204u);
    BOOST_TEST(!f.emulator.session_status(created.session.session_id).has_value());
    auto after = boost::json::parse(control(f.emulator, http::verb::get, "counters").body);
    BOOST_TEST(after.at("sessions_created").to_number<std::uint64_t>() == 0u);
    // The client's token is gone with the reset: its next call is refused once, then it
    // fetches a new token and goes on.
    auto again = f.create(2);
    BOOST_TEST(!again.ec, again.ec.message());
    BOOST_TEST(f.emulator.stats().sessions_created == 1u);
    BOOST_TEST(control(f.emulator, http::verb::get, "nothing-here").status == 404u);
}

BOOST_AUTO_TEST_CASE(the_accounts_standing_is_set_over_http) {
    fixture f;
    BOOST_TEST(control(f.emulator, http::verb::post, "account", R"({"state":"frozen"})").status ==
               400u);
    auto suspended =
        control(f.emulator, http::verb::post, "account", R"({"state":"billing_suspended"})");
    BOOST_TEST(suspended.status == 204u, suspended.body);
    auto refused = f.create(1);
    BOOST_TEST((refused.ec == error::forbidden));
    BOOST_TEST(refused.diag.code == "contract_billing_suspended");
    BOOST_TEST(control(f.emulator, http::verb::post, "account", R"({"state":"active"})").status ==
               204u);
    BOOST_TEST(!f.create(2).ec);
}
