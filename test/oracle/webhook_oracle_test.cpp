// X-Signature-V2 against an oracle that shares no code with the library: python_webhooks.py
// signs random Didit-shaped payloads with Python's own json and hmac modules and re-encodes
// them so that only the canonical signature can match. Every delivery must verify by V2, and
// every copy with one byte of signed content changed must be refused.

#define BOOST_TEST_MODULE webhook signatures against Python
#include <didit/webhook.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;

struct oracle_case {
    std::string body;
    std::string tampered;
    std::int64_t tampered_at = 0;
    std::string signature;
    std::string signature_v2;
    std::int64_t timestamp = 0;
};

struct oracle_file {
    std::int64_t seed = 0;
    std::string secret;
    std::vector<oracle_case> cases;
};

oracle_file read_cases(const std::string& path) {
    std::ifstream in{path};
    BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
    oracle_file out;
    std::string line;
    BOOST_REQUIRE(std::getline(in, line));
    auto header = json::parse(line).as_object();
    out.seed = header.at("seed").as_int64();
    out.secret = std::string{header.at("secret").as_string()};
    while (std::getline(in, line)) {
        auto c = json::parse(line).as_object();
        out.cases.push_back(
            {std::string{c.at("body").as_string()}, std::string{c.at("tampered").as_string()},
             c.at("tampered_at").as_int64(), std::string{c.at("signature").as_string()},
             std::string{c.at("signature_v2").as_string()}, c.at("timestamp").as_int64()});
    }
    return out;
}

std::string cases_path() {
    auto& suite = boost::unit_test::framework::master_test_suite();
    BOOST_REQUIRE_MESSAGE(suite.argc == 2, "usage: webhook_oracle_tests CASES.jsonl");
    return suite.argv[1];
}

} // namespace

BOOST_AUTO_TEST_CASE(every_python_signed_delivery_verifies_by_v2_and_no_tampered_one_does) {
    auto file = read_cases(cases_path());
    BOOST_TEST_MESSAGE("seed " << file.seed << ", " << file.cases.size() << " deliveries");
    BOOST_REQUIRE_GE(file.cases.size(), 200u);
    std::size_t verified = 0;
    std::size_t refused = 0;
    for (std::size_t i = 0; i < file.cases.size(); ++i) {
        const auto& c = file.cases[i];
        auto now = std::chrono::system_clock::time_point{std::chrono::seconds{c.timestamp}};
        didit::webhook_headers headers{.signature = c.signature,
                                       .signature_v2 = c.signature_v2,
                                       .timestamp = std::to_string(c.timestamp)};
        didit::diagnostics diag;
        auto result = didit::verify_webhook(c.body, headers, file.secret, now, diag);
        BOOST_TEST_CONTEXT("delivery " << i << " of seed " << file.seed << ": " << c.body) {
            BOOST_TEST(result.has_value(), "refused: " << diag.message);
            if (result.has_value()) {
                BOOST_TEST((result->verified_by == didit::webhook_signature::canonical));
                ++verified;
            }
        }
        auto tampered = didit::verify_webhook(c.tampered, headers, file.secret, now);
        BOOST_TEST_CONTEXT("tampered delivery " << i << " (byte " << c.tampered_at << ") of seed "
                                                << file.seed << ": " << c.tampered) {
            BOOST_TEST(!tampered.has_value());
            if (!tampered.has_value()) {
                BOOST_TEST((tampered.error() == didit::webhook_error::bad_signature));
                ++refused;
            }
        }
    }
    BOOST_TEST(verified == file.cases.size());
    BOOST_TEST(refused == file.cases.size());
}
