#define BOOST_TEST_MODULE didit command - line tool
#include "support.hpp"
#include "webhook_vectors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>

#include <iterator>

using namespace didit_test;
namespace fs = std::filesystem;

namespace {

struct cli_run {
    int status = -1;
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& path) {
    std::ifstream file{path, std::ios::binary};
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

/// A scratch directory for one test, removed afterwards.
struct scratch {
    scratch() : path(fs::temp_directory_path() / ("didit-cli-" + std::to_string(::getpid()))) {
        fs::create_directories(path);
    }
    ~scratch() { fs::remove_all(path); }
    fs::path path;
};

/// Runs `command` (a shell command line) with stdout and stderr captured in `dir`.
cli_run run_captured(const scratch& dir, const std::string& command) {
    auto line = command + " >" + (dir.path / "out").string() + " 2>" + (dir.path / "err").string();
    int raw = std::system(line.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir.path / "out"),
            slurp(dir.path / "err")};
}

/// Runs the `didit` binary against `emulator` with `settings` as DIDIT_* variables.
cli_run run_cli(const scratch& dir, const didit::emulator::server& emulator,
                const std::string& settings, const std::string& arguments) {
    std::ofstream{dir.path / "ca.pem"} << emulator.certificate_pem();
    return run_captured(dir, "env -u DIDIT_API_KEY -u DIDIT_CLIENT_ID -u DIDIT_CLIENT_SECRET"
                             " DIDIT_API_URL=" +
                                 emulator.url() + " DIDIT_AUTH_URL=" + emulator.url() +
                                 " DIDIT_CA_FILE=" + (dir.path / "ca.pem").string() + " " +
                                 settings + " " DIDIT_CLI_PATH " " + arguments);
}

/// Runs `didit webhook-verify` with `body` on stdin and the secret in WEBHOOK_SECRET.
cli_run run_verify(const scratch& dir, std::string_view body, const std::string& arguments) {
    std::ofstream{dir.path / "body", std::ios::binary} << body;
    return run_captured(dir, "env WEBHOOK_SECRET=" + std::string{webhook_vectors::fixture_secret} +
                                 " " DIDIT_CLI_PATH " webhook-verify --secret-env WEBHOOK_SECRET " +
                                 arguments + " <" + (dir.path / "body").string());
}

const std::string v1_settings =
    "DIDIT_CLIENT_ID=emulator-client DIDIT_CLIENT_SECRET=emulator-secret";
const std::string v3_settings = "DIDIT_API_KEY=emulator-api-key";

std::string field(const std::string& json_text, const char* name) {
    auto parsed = boost::json::parse(json_text);
    return std::string{parsed.at(name).as_string().subview()};
}

} // namespace

BOOST_AUTO_TEST_CASE(create_review_export_delete) {
    didit::emulator::server emulator;
    scratch dir;
    auto created = run_cli(dir, emulator, v1_settings,
                           "create --callback https://example.com/done --vendor-data u-1"
                           " --features 'OCR + FACE'");
    BOOST_TEST(created.status == 0, created.err);
    auto id = field(created.out, "session_id");
    BOOST_TEST(emulator.stats().sessions_created == 1u);

    BOOST_REQUIRE(emulator.finish_session(id, "In Review"));
    auto reviewed = run_cli(dir, emulator, v1_settings,
                            "update-status " + id + " --status Approved --comment ok");
    BOOST_TEST(reviewed.status == 0, reviewed.err);
    BOOST_TEST(emulator.session_status(id).value_or("gone") == "Approved");

    auto pdf = run_cli(dir, emulator, v1_settings,
                       "pdf " + id + " --out " + (dir.path / "report.pdf").string());
    BOOST_TEST(pdf.status == 0, pdf.err);
    BOOST_TEST(slurp(dir.path / "report.pdf").starts_with("%PDF-"));

    BOOST_TEST(run_cli(dir, emulator, v1_settings, "delete " + id).status == 0);
    auto again = run_cli(dir, emulator, v1_settings, "delete " + id);
    BOOST_TEST(again.status == 1);
    BOOST_TEST(field(again.err, "kind") == "not_found");
    BOOST_TEST(again.out.empty());
}

BOOST_AUTO_TEST_CASE(v3_create_needs_only_the_workflow) {
    didit::emulator::server emulator;
    scratch dir;
    auto created = run_cli(dir, emulator, v3_settings,
                           "create --workflow-id 11111111-2222-3333-4444-555555555555");
    BOOST_TEST(created.status == 0, created.err);
    BOOST_TEST(created.out.find("session_number") != std::string::npos);
    BOOST_TEST(emulator.stats().requests_with_authorization == 0u);
    auto with_callback = run_cli(dir, emulator, v3_settings,
                                 "create --callback https://example.com/done"
                                 " --workflow-id 11111111-2222-3333-4444-555555555555");
    BOOST_TEST(with_callback.status == 0, with_callback.err);
    BOOST_TEST(emulator.stats().sessions_created == 2u);
}

BOOST_AUTO_TEST_CASE(status_takes_the_api_spellings_in_any_case) {
    didit::emulator::server emulator;
    scratch dir;
    for (std::string spelling : {"Declined", "DECLINED", "declined"}) {
        auto created =
            run_cli(dir, emulator, v1_settings, "create --callback https://example.com/done");
        auto id = field(created.out, "session_id");
        BOOST_REQUIRE(emulator.finish_session(id, "In Review"));
        auto reviewed =
            run_cli(dir, emulator, v1_settings, "update-status " + id + " --status " + spelling);
        BOOST_TEST(reviewed.status == 0, spelling << ": " << reviewed.err);
        BOOST_TEST(emulator.session_status(id).value_or("gone") == "Declined");
    }
}

BOOST_AUTO_TEST_CASE(verbose_logs_what_the_client_does_to_stderr) {
    didit::emulator::server emulator;
    scratch dir;
    auto created =
        run_cli(dir, emulator, v1_settings,
                "--verbose create --callback https://example.com/done --vendor-data u-9");
    BOOST_TEST(created.status == 0, created.err);
    BOOST_TEST(!field(created.out, "session_id").empty()); // stdout stays the result alone
    BOOST_TEST(created.err.find("event=token_fetched") != std::string::npos, created.err);
    BOOST_TEST(created.err.find("event=call_finished operation=create_session method=POST "
                                "route=/v1/session/ status=201 error=ok") != std::string::npos);
    BOOST_TEST(created.err.find("emulator-secret") == std::string::npos);
    BOOST_TEST(created.err.find("u-9") == std::string::npos);
    auto quiet = run_cli(dir, emulator, v1_settings, "create --callback https://example.com/done");
    BOOST_TEST(quiet.status == 0);
    BOOST_TEST(quiet.err.empty());
}

BOOST_AUTO_TEST_CASE(call_reaches_any_endpoint_and_prints_its_json) {
    didit::emulator::server emulator;
    scratch dir;
    auto created = run_cli(
        dir, emulator, v3_settings,
        "call POST /v3/session/ --data "
        "'{\"workflow_id\":\"11111111-2222-3333-4444-555555555555\",\"vendor_data\":\"u-5\"}'");
    BOOST_TEST(created.status == 0, created.err);
    auto id = field(created.out, "session_id");
    BOOST_TEST(field(created.out, "vendor_data") == "u-5");
    auto listed = run_cli(dir, emulator, v3_settings, "call get '/v3/sessions/?limit=1'");
    BOOST_TEST(listed.status == 0, listed.err);
    BOOST_TEST(boost::json::parse(listed.out).at("results").as_array().size() == 1u);
    auto missing =
        run_cli(dir, emulator, v3_settings, "call GET /v3/session/" + id + "x/decision/");
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(field(missing.err, "kind") == "not_found");
    // --all: every row of every page, one JSON line each (5 sessions, pages of 2).
    for (int i = 0; i < 4; ++i)
        BOOST_TEST(run_cli(dir, emulator, v3_settings,
                           "call POST /v3/session/ --data "
                           "'{\"workflow_id\":\"11111111-2222-3333-4444-555555555555\"}'")
                       .status == 0);
    auto all = run_cli(dir, emulator, v3_settings, "call GET '/v3/sessions/?limit=2' --all");
    BOOST_TEST(all.status == 0, all.err);
    std::size_t lines = 0;
    for (std::size_t at = 0; at < all.out.size(); at = all.out.find('\n', at) + 1, ++lines)
        BOOST_TEST(boost::json::parse(all.out.substr(at, all.out.find('\n', at) - at))
                       .as_object()
                       .contains("session_id"));
    BOOST_TEST(lines == 5u);
    BOOST_TEST(emulator.stats().list_requests == 4u); // 1 above, then 3 pages
    BOOST_TEST(run_cli(dir, emulator, v3_settings, "call POST /v3/sessions/ --all").status == 2);
    BOOST_TEST(run_cli(dir, emulator, v3_settings, "call GET").status == 2);
    BOOST_TEST(run_cli(dir, emulator, v3_settings, "call POST /v3/session/ --data '{'").status ==
               2);
}

/// The JSON lines of `out`.
std::vector<boost::json::value> json_lines(const std::string& out) {
    std::vector<boost::json::value> lines;
    for (std::size_t at = 0; at < out.size(); at = out.find('\n', at) + 1)
        lines.push_back(boost::json::parse(out.substr(at, out.find('\n', at) - at)));
    return lines;
}

BOOST_AUTO_TEST_CASE(the_standalone_checks_take_files_and_print_their_verdict) {
    didit::emulator::server emulator;
    scratch dir;
    std::ofstream{dir.path / "front.jpg", std::ios::binary} << "JPEG front";
    std::ofstream{dir.path / "back.jpg", std::ios::binary} << "JPEG back";
    std::ofstream{dir.path / "declined.jpg", std::ios::binary} << "DECLINE me";
    auto file = [&](const char* name) { return (dir.path / name).string(); };
    auto id = run_cli(dir, emulator, v3_settings,
                      "id-verify --front " + file("front.jpg") + " --back " + file("back.jpg"));
    BOOST_TEST(id.status == 0, id.err);
    BOOST_TEST(field(id.out, "status") == "Approved");
    BOOST_TEST(boost::json::parse(id.out).at("result").at("mrz").is_object()); // the back came
    auto match =
        run_cli(dir, emulator, v3_settings,
                "face-match --user " + file("declined.jpg") + " --ref " + file("front.jpg"));
    BOOST_TEST(match.status == 0, match.err);
    BOOST_TEST(field(match.out, "status") == "Declined");
    BOOST_TEST(boost::json::parse(match.out).at("warnings").at(0).as_string() ==
               "LOW_FACE_MATCH_SIMILARITY");
    auto aml = run_cli(dir, emulator, v3_settings, "aml --name 'Ivan Sanctioned'");
    BOOST_TEST(aml.status == 0, aml.err);
    BOOST_TEST(field(aml.out, "status") == "Declined");
    BOOST_TEST(emulator.stats().checks_charged == 3u);
    // A missing file is a usage problem for the person typing, reported before any request.
    auto missing = run_cli(dir, emulator, v3_settings,
                           "face-match --user " + file("front.jpg") + " --ref " + file("nope.jpg"));
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(field(missing.err, "kind") == "invalid_request");
    BOOST_TEST(missing.err.find("ref_image") != std::string::npos, missing.err);
    BOOST_TEST(
        run_cli(dir, emulator, v3_settings, "face-match --user " + file("front.jpg")).status == 2);
    BOOST_TEST(emulator.stats().check_requests == 3u);
}

BOOST_AUTO_TEST_CASE(email_and_phone_codes_are_sent_then_checked) {
    didit::emulator::server emulator;
    scratch dir;
    auto sent = run_cli(dir, emulator, v3_settings, "email send --email ana@example.com");
    BOOST_TEST(sent.status == 0, sent.err);
    BOOST_TEST(field(sent.out, "status") == "Success");
    auto checked =
        run_cli(dir, emulator, v3_settings, "email check --email ana@example.com --code 123456");
    BOOST_TEST(checked.status == 0, checked.err);
    BOOST_TEST(field(checked.out, "status") == "Approved");
    BOOST_TEST(run_cli(dir, emulator, v3_settings, "phone send --phone +34600000001").status == 0);
    auto wrong =
        run_cli(dir, emulator, v3_settings, "phone check --phone +34600000001 --code 999999");
    BOOST_TEST(wrong.status == 0, wrong.err);
    BOOST_TEST(field(wrong.out, "status") == "Failed");
    BOOST_TEST(run_cli(dir, emulator, v3_settings, "phone ring --phone +34600000001").status == 2);
}

BOOST_AUTO_TEST_CASE(users_list_prints_every_user_as_a_json_line) {
    didit::emulator::server emulator;
    scratch dir;
    for (auto who : {"ana", "bob", "carol"})
        BOOST_TEST(run_cli(dir, emulator, v3_settings,
                           std::string{"call POST /v3/users/create/ --data '{\"vendor_data\":\""} +
                               who + "\"}'")
                       .status == 0);
    auto all = run_cli(dir, emulator, v3_settings, "users list");
    BOOST_TEST(all.status == 0, all.err);
    auto lines = json_lines(all.out);
    BOOST_TEST(lines.size() == 3u);
    BOOST_TEST(lines.at(0).at("vendor_data").as_string() == "ana");
    auto two = run_cli(dir, emulator, v3_settings, "users list --limit 2");
    BOOST_TEST(json_lines(two.out).size() == 2u);
    auto found = run_cli(dir, emulator, v3_settings, "users list --search 'car ol'");
    BOOST_TEST(found.status == 0, found.err); // the search is escaped into the query
    BOOST_TEST(json_lines(found.out).empty());
}

BOOST_AUTO_TEST_CASE(call_sends_a_form_with_fields_and_files) {
    didit::emulator::server emulator;
    scratch dir;
    std::ofstream{dir.path / "u.jpg", std::ios::binary} << "JPEG\r\n--user";
    std::ofstream{dir.path / "r.jpg", std::ios::binary} << "JPEG ref";
    auto answer = run_cli(dir, emulator, v3_settings,
                          "call POST /v3/face-match/ --form vendor_data=v-9 --file user_image=@" +
                              (dir.path / "u.jpg").string() + " --file ref_image=@" +
                              (dir.path / "r.jpg").string());
    BOOST_TEST(answer.status == 0, answer.err);
    BOOST_TEST(field(answer.out, "vendor_data") == "v-9");
    auto forms = emulator.received_forms();
    BOOST_REQUIRE(forms.size() == 1u);
    BOOST_TEST(forms[0].at(1).content == "JPEG\r\n--user");
    BOOST_TEST(forms[0].at(2).file_name.value_or("") == "r.jpg");
    BOOST_TEST(
        run_cli(dir, emulator, v3_settings, "call POST /v3/face-match/ --file user_image").status ==
        2);
}

// The issue's figure: a 50 MB file goes out a piece at a time, so the tool's peak memory stays
// far below the file's size.
BOOST_AUTO_TEST_CASE(a_50_mb_file_is_streamed_from_disk_in_bounded_memory) {
    didit::emulator::server emulator;
    scratch dir;
    auto big = dir.path / "big.bin";
    {
        std::ofstream out{big, std::ios::binary};
        std::string block(1024 * 1024, '\0');
        for (int mb = 0; mb < 50; ++mb) {
            for (std::size_t i = 0; i < block.size(); ++i)
                block[i] = static_cast<char>((i * 131 + mb) & 0xff);
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
        }
    }
    auto answer = run_cli(dir, emulator, v3_settings,
                          "call PATCH /v3/customization/ --file logo=@" + big.string());
    BOOST_TEST(answer.status == 0, answer.err);
    // The emulator names the upload by its SHA-256: every byte arrived.
    auto logo = std::string{boost::json::parse(answer.out).at("logo").as_string()};
    std::ifstream in{big, std::ios::binary};
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    auto sha = sha256_hex(bytes);
    BOOST_TEST(logo.find(sha) != std::string::npos, logo);
    // The biggest child so far (the shell, env and the tool are this test's children).
    rusage children{};
    getrusage(RUSAGE_CHILDREN, &children);
    auto peak_mb = children.ru_maxrss / 1024.0;
    BOOST_TEST_MESSAGE("the didit tool's peak RSS sending 50 MB: " << peak_mb << " MB");
#if DIDIT_SANITIZED
    // AddressSanitizer's quarantine keeps freed blocks resident (142 MB seen): the figure says
    // nothing about the tool there. The bytes arriving intact is still checked above.
#else
    BOOST_TEST(peak_mb < 40.0);
#endif
}

BOOST_AUTO_TEST_CASE(help_prints_usage_and_succeeds) {
    scratch dir;
    for (std::string flag : {"--help", "-h"}) {
        auto help = run_captured(dir, DIDIT_CLI_PATH " " + flag);
        BOOST_TEST(help.status == 0);
        BOOST_TEST(help.out.starts_with("usage: didit "));
        BOOST_TEST(help.err.empty());
    }
}

BOOST_AUTO_TEST_CASE(decision_prints_the_service_decision) {
    didit::emulator::server emulator;
    scratch dir;
    auto created =
        run_cli(dir, emulator, v1_settings, "create --callback https://example.com/done");
    auto id = field(created.out, "session_id");
    BOOST_REQUIRE(emulator.finish_session(id, "Approved"));
    auto decided = run_cli(dir, emulator, v1_settings, "decision " + id);
    BOOST_TEST(decided.status == 0, decided.err);
    BOOST_TEST(field(decided.out, "status") == "Approved");
    BOOST_TEST(boost::json::parse(decided.out).at("kyc").at("status").as_string() == "Approved");
    // Scores print as the service wrote them, not in Boost.JSON's exponent form.
    BOOST_TEST(decided.out.find("\"face_match_similarity\":96.15") != std::string::npos,
               decided.out);
    BOOST_TEST(decided.out.find("E1") == std::string::npos);
    auto missing = run_cli(dir, emulator, v1_settings, "decision no-such-session");
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(field(missing.err, "kind") == "not_found");
}

BOOST_AUTO_TEST_CASE(list_one_page_or_all_of_them) {
    didit::emulator::server emulator;
    scratch dir;
    for (int i = 0; i < 5; ++i) {
        auto created = run_cli(dir, emulator, v3_settings,
                               "create --callback https://example.com/done --vendor-data lister"
                               " --workflow-id 11111111-2222-3333-4444-555555555555");
        BOOST_REQUIRE(created.status == 0);
        // Finished, so that the next create for the same person makes a new session.
        auto id = boost::json::parse(created.out).at("session_id").as_string();
        BOOST_REQUIRE(emulator.finish_session(id, "Approved"));
    }
    auto first = run_cli(dir, emulator, v3_settings, "list --vendor-data lister --limit 2");
    BOOST_TEST(first.status == 0, first.err);
    auto page = boost::json::parse(first.out);
    BOOST_TEST(page.at("count").as_int64() == 5);
    BOOST_TEST(page.at("results").as_array().size() == 2u);
    BOOST_TEST(page.at("next").is_string());

    auto all = run_cli(dir, emulator, v3_settings, "list --vendor-data lister --limit 2 --all");
    BOOST_TEST(all.status == 0, all.err);
    BOOST_TEST(boost::json::parse(all.out).at("results").as_array().size() == 5u);
    BOOST_TEST(emulator.stats().list_requests == 4u); // one page, then three

    auto v1 = run_cli(dir, emulator, v1_settings, "list");
    BOOST_TEST(v1.status == 1);
    BOOST_TEST(field(v1.err, "kind") == "unsupported_operation");
    BOOST_TEST(run_cli(dir, emulator, v3_settings, "list --limit lots").status == 2);
}

BOOST_AUTO_TEST_CASE(token_checks_the_credentials_without_printing_them) {
    didit::emulator::server emulator;
    scratch dir;
    auto good = run_cli(dir, emulator, v1_settings, "token");
    BOOST_TEST(good.status == 0, good.err);
    BOOST_TEST(field(good.out, "credentials") == "accepted");
    BOOST_TEST(good.out.find("emulator-secret") == std::string::npos);
    BOOST_TEST(good.out.find("Bearer") == std::string::npos);
    BOOST_TEST(emulator.stats().token_requests == 1u);

    auto v3 = run_cli(dir, emulator, v3_settings, "token");
    BOOST_TEST(v3.status == 0, v3.err);
    BOOST_TEST(field(v3.out, "generation") == "v3");
    auto wrong = run_cli(dir, emulator, "DIDIT_API_KEY=wrong-key-123", "token");
    BOOST_TEST(wrong.status == 1);
    BOOST_TEST(field(wrong.err, "kind") == "unauthorized");
    BOOST_TEST(wrong.err.find("wrong-key-123") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(errors_name_their_kind_and_never_the_secret) {
    didit::emulator::server emulator;
    scratch dir;
    auto refused = run_cli(dir, emulator,
                           "DIDIT_CLIENT_ID=emulator-client DIDIT_CLIENT_SECRET=hunter2-secret-99",
                           "create --callback https://example.com/done");
    BOOST_TEST(refused.status == 1);
    BOOST_TEST(field(refused.err, "kind") == "token_rejected");
    BOOST_TEST(refused.err.find("hunter2-secret-99") == std::string::npos);
    BOOST_TEST(refused.out.find("hunter2-secret-99") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_and_configuration_errors) {
    didit::emulator::server emulator;
    scratch dir;
    BOOST_TEST(run_cli(dir, emulator, v1_settings, "").status == 2);
    BOOST_TEST(run_cli(dir, emulator, v1_settings, "frobnicate").status == 2);
    BOOST_TEST(run_cli(dir, emulator, v1_settings, "delete").status == 2);
    BOOST_TEST(run_cli(dir, emulator, v1_settings, "update-status x --status maybe").status == 2);
    auto unconfigured = run_cli(dir, emulator, "", "delete abc");
    BOOST_TEST(unconfigured.status == 1);
    BOOST_TEST(unconfigured.err.find("DIDIT_CLIENT_ID") != std::string::npos);
    BOOST_TEST(emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(webhook_verify_prints_the_event_or_why_not) {
    scratch dir;
    const std::string headers = " -H 'X-Signature: " + std::string{webhook_vectors::sig_a} +
                                "' -H 'x-timestamp: 1774970000'";
    auto good = run_verify(dir, webhook_vectors::body_a, "--now 1774970010" + headers);
    BOOST_TEST(good.status == 0, good.err);
    BOOST_TEST(field(good.out, "verified_by") == "X-Signature");
    BOOST_TEST(field(good.out, "session_id") == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    BOOST_TEST(boost::json::parse(good.out).at("payload").at("vendor_data").as_string() == "wp-42");

    std::string tampered{webhook_vectors::body_a};
    tampered.replace(tampered.find("wp-42"), 5, "wp-43");
    auto bad = run_verify(dir, tampered, "--now 1774970010" + headers);
    BOOST_TEST(bad.status == 1);
    BOOST_TEST(field(bad.err, "kind") == "bad_signature");
    BOOST_TEST(bad.out.empty());
    BOOST_TEST(bad.err.find("wh_test_secret") == std::string::npos);

    auto stale = run_verify(dir, webhook_vectors::body_a, "--now 1774971000" + headers);
    BOOST_TEST(field(stale.err, "kind") == "stale_timestamp");
    auto tolerant =
        run_verify(dir, webhook_vectors::body_a, "--now 1774971000 --tolerance 1000" + headers);
    BOOST_TEST(tolerant.status == 0, tolerant.err);

    const std::string simple =
        " -H 'X-Signature-Simple: " + std::string{webhook_vectors::simple_a} + "'";
    auto not_allowed = run_verify(dir, webhook_vectors::body_a, "--now 1774970000" + simple);
    BOOST_TEST(field(not_allowed.err, "kind") == "missing_signature");
    auto allowed =
        run_verify(dir, webhook_vectors::body_a, "--now 1774970000 --allow-simple" + simple);
    BOOST_TEST(allowed.status == 0, allowed.err);
    BOOST_TEST(boost::json::parse(allowed.out).at("fully_signed").as_bool() == false);

    BOOST_TEST(run_verify(dir, webhook_vectors::body_a, "-H 'no colon'").status == 2);
}

BOOST_AUTO_TEST_CASE(webhook_verify_takes_the_rotated_secret_beside_the_new_one) {
    scratch dir;
    std::ofstream{dir.path / "body", std::ios::binary} << webhook_vectors::body_a;
    auto verify_with = [&](const std::string& variables) {
        return run_captured(
            dir, "env NEW_SECRET=new-secret-2026 WEBHOOK_SECRET=" +
                     std::string{webhook_vectors::fixture_secret} +
                     " " DIDIT_CLI_PATH " webhook-verify " + variables +
                     " --now 1774970010 -H 'X-Signature: " + std::string{webhook_vectors::sig_a} +
                     "' <" + (dir.path / "body").string());
    };
    auto rotated = verify_with("--secret-env NEW_SECRET --secret-env WEBHOOK_SECRET");
    BOOST_TEST(rotated.status == 0, rotated.err);
    BOOST_TEST(boost::json::parse(rotated.out).at("secret_index").as_int64() == 1);
    auto new_only = verify_with("--secret-env NEW_SECRET");
    BOOST_TEST(new_only.status == 1);
    BOOST_TEST(field(new_only.err, "kind") == "bad_signature");
}
