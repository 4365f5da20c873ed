#define BOOST_TEST_MODULE didit command - line tool
#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

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

/// Runs the `didit` binary against `emulator` with `settings` as DIDIT_* variables.
cli_run run_cli(const scratch& dir, const didit::emulator::server& emulator,
                const std::string& settings, const std::string& arguments) {
    std::ofstream{dir.path / "ca.pem"} << emulator.certificate_pem();
    std::string command = "env -u DIDIT_API_KEY -u DIDIT_CLIENT_ID -u DIDIT_CLIENT_SECRET"
                          " DIDIT_API_URL=" +
                          emulator.url() + " DIDIT_AUTH_URL=" + emulator.url() +
                          " DIDIT_CA_FILE=" + (dir.path / "ca.pem").string() + " " + settings +
                          " " DIDIT_CLI_PATH " " + arguments + " >" + (dir.path / "out").string() +
                          " 2>" + (dir.path / "err").string();
    int raw = std::system(command.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir.path / "out"),
            slurp(dir.path / "err")};
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
                            "update-status " + id + " --status approved --comment ok");
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

BOOST_AUTO_TEST_CASE(v3_create_uses_the_workflow) {
    didit::emulator::server emulator;
    scratch dir;
    auto created = run_cli(dir, emulator, v3_settings,
                           "create --callback https://example.com/done"
                           " --workflow-id 11111111-2222-3333-4444-555555555555");
    BOOST_TEST(created.status == 0, created.err);
    BOOST_TEST(created.out.find("session_number") != std::string::npos);
    BOOST_TEST(emulator.stats().requests_with_authorization == 0u);
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
