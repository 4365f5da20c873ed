// didit: a command-line tool over the library, for the people who operate an integration.
//
//   didit create --callback URL [--vendor-data V] [--features F]         (v1)
//   didit create --workflow-id W [--callback URL] [--vendor-data V]       (v3)
//   didit update-status ID --status Approved|Declined|Resubmitted [--comment C]  (any case)
//                          [--node NODE ...]
//   didit decision ID
//   didit delete ID
//   didit pdf ID --out FILE
//   didit list [--vendor-data V] [--status S] [--limit N] [--offset N] [--all]   (v3)
//   didit token
//   didit call METHOD PATH [--data JSON | --form FIELD=VALUE ... --file FIELD=@PATH ...]
//   didit call GET PATH --all
//   didit id-verify --front FILE [--back FILE]                            (v3 checks)
//   didit liveness --user FILE | face-search --user FILE | age --user FILE
//   didit face-match --user FILE --ref FILE
//   didit poa --document FILE
//   didit aml --name NAME [--dob YYYY-MM-DD] [--nationality C] [--document-number N]
//   didit email send --email E | email check --email E --code C
//   didit phone send --phone +E164 | phone check --phone +E164 --code C
//   didit users list [--status S] [--search Q] [--country C] [--limit N]
//   didit --verbose ...   (the client's calls, retries, tokens and connections on stderr)
//   didit webhook-verify --secret-env VAR [--secret-env OLDER_VAR ...] [--allow-simple]
//                        [--tolerance S] [--now UNIX_SECONDS]
//                        -H 'X-Signature: ...' ... < body
//
// Configured by the DIDIT_* variables (DIDIT_API_KEY selects v3). Results go to stdout as
// JSON; errors go to stderr as JSON (kind, HTTP status, server detail; never credentials)
// with exit status 1, and usage errors with exit status 2.

#include "command_line.hpp"
#include "json_output.hpp"
#include "webhook_verify.hpp"

#include <didit/didit.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace didit_cli;

namespace {

/// The API's spellings of a review status, in any case.
std::optional<didit::review_status> review_status_named(std::string_view name) {
    auto is = [name](std::string_view spelling) {
        return std::equal(name.begin(), name.end(), spelling.begin(), spelling.end(),
                          [](char a, char b) { return std::tolower(a) == b; });
    };
    if (is("approved"))
        return didit::review_status::approved;
    if (is("declined"))
        return didit::review_status::declined;
    if (is("resubmitted"))
        return didit::review_status::resubmitted;
    return std::nullopt;
}

constexpr const char* usage_text =
    "usage: didit create --callback URL [--vendor-data V] [--features F]           (v1)\n"
    "       didit create --workflow-id W [--callback URL] [--vendor-data V]         (v3)\n"
    "       didit update-status ID --status Approved|Declined|Resubmitted [--comment C]\n"
    "                              [--node NODE ...]\n"
    "       didit decision ID\n"
    "       didit delete ID\n"
    "       didit pdf ID --out FILE\n"
    "       didit list [--vendor-data V] [--status S] [--limit N] [--offset N] [--all]\n"
    "       didit token\n"
    "       didit call METHOD PATH [--data JSON]   (any endpoint; prints the service's JSON)\n"
    "       didit call METHOD PATH --form FIELD=VALUE ... --file FIELD=@PATH ...  (multipart)\n"
    "       didit call GET PATH --all   (any listing, every page: one JSON line per row)\n"
    "       didit id-verify --front FILE [--back FILE]        (the standalone checks, v3)\n"
    "       didit liveness --user FILE | face-search --user FILE | age --user FILE\n"
    "       didit face-match --user FILE --ref FILE\n"
    "       didit poa --document FILE\n"
    "       didit aml --name NAME [--dob YYYY-MM-DD] [--nationality C] [--document-number N]\n"
    "       didit email send --email E | email check --email E --code C\n"
    "       didit phone send --phone +E164 | phone check --phone +E164 --code C\n"
    "       didit users list [--status S] [--search Q] [--country C] [--limit N]\n"
    "                        (one JSON line per user, every page up to --limit rows)\n"
    "       (any of these with --verbose: the client's events as logfmt lines on stderr)\n"
    "       didit webhook-verify --secret-env VAR [--secret-env OLDER_VAR ...] [--allow-simple]\n"
    "                            [--tolerance S]\n"
    "                            [--now UNIX_SECONDS] -H 'Name: value' ... < body\n"
    "Configuration: DIDIT_CLIENT_ID + DIDIT_CLIENT_SECRET (v1) or DIDIT_API_KEY (v3),\n"
    "DIDIT_API_URL, DIDIT_AUTH_URL, DIDIT_CA_FILE; HTTPS_PROXY and NO_PROXY (see the README).\n";

/// What went wrong, as JSON for stderr: the error's kind and message, and the server's words.
json::object describe(const didit::error_code& ec, const didit::diagnostics& diag) {
    json::object out{{"kind", didit::error_name(ec)}, {"error", ec.message()}};
    if (diag.http_status != 0)
        out["http_status"] = diag.http_status;
    if (!diag.detail.empty())
        out["detail"] = diag.detail;
    if (!diag.code.empty())
        out["code"] = diag.code;
    if (!diag.message.empty())
        out["reason"] = diag.message;
    if (diag.retry_after)
        out["retry_after_seconds"] = diag.retry_after->count();
    return out;
}

struct outcome {
    didit::error_code ec;
    didit::diagnostics diag;
    json::object result;
    std::optional<json::value> raw; ///< printed instead of result when set (`call`)
    bool streamed = false;          ///< printed as it came (`call --all`): nothing more
};

/// `call GET PATH --all`: every row of every page, one JSON line each, as the pages come.
asio::awaitable<outcome> call_all(didit::client& client, const command_line& line) {
    outcome out;
    out.streamed = true;
    if (line.argument != "GET" && line.argument != "get")
        throw usage_error{"call --all walks a listing: the method must be GET"};
    auto pages = client.pages(line.second_argument);
    while (!pages.done()) {
        auto [ec, page] = co_await pages.next(out.diag, asio::as_tuple(asio::use_awaitable));
        if (ec) {
            out.ec = ec;
            break;
        }
        for (const auto& row : page.rows)
            std::cout << to_plain_json(row) << "\n";
    }
    co_return out;
}

/// A check's answer: its verdict up front, the service's object for the rest.
json::object summary_of(const didit::check_result& result) {
    json::object out{{"request_id", result.request_id}, {"status", result.status_text}};
    if (result.score)
        out["score"] = *result.score;
    json::array warnings;
    for (const auto& warning : result.warnings)
        warnings.push_back(json::value(warning.risk));
    out["warnings"] = std::move(warnings);
    if (!result.message.empty())
        out["message"] = result.message;
    out["result"] = result.feature;
    return out;
}

template <class Request>
asio::awaitable<outcome> run_check(didit::client& client, const Request& request) {
    outcome out;
    auto [ec, result] =
        co_await client.check(request, out.diag, asio::as_tuple(asio::use_awaitable));
    out.ec = ec;
    out.result = summary_of(result);
    co_return out;
}

/// The standalone checks: `didit face-match --user u.jpg --ref r.jpg`, ... Each request is a
/// named local: GCC 12 destroys a braced temporary inside co_await twice.
asio::awaitable<outcome> check(didit::client& client, const command_line& line) {
    auto file = [&](const char* flag) {
        return didit::upload::from_path(line.required_view(flag));
    };
    const auto& what = line.command;
    if (what == "id-verify") {
        didit::id_verification_request request{.front_image = file("front")};
        if (line.flag("back"))
            request.back_image = file("back");
        co_return co_await run_check(client, request);
    }
    if (what == "liveness") {
        didit::passive_liveness_request request{.user_image = file("user")};
        co_return co_await run_check(client, request);
    }
    if (what == "face-search") {
        didit::face_search_request request{.user_image = file("user")};
        co_return co_await run_check(client, request);
    }
    if (what == "age") {
        didit::age_estimation_request request{.user_image = file("user")};
        co_return co_await run_check(client, request);
    }
    if (what == "face-match") {
        didit::face_match_request request{.user_image = file("user"), .ref_image = file("ref")};
        co_return co_await run_check(client, request);
    }
    if (what == "poa") {
        didit::proof_of_address_request request{.document = file("document")};
        co_return co_await run_check(client, request);
    }
    if (what == "aml") {
        didit::aml_request request{.full_name = line.required_view("name"),
                                   .date_of_birth = line.view("dob"),
                                   .nationality = line.view("nationality"),
                                   .document_number = line.view("document-number")};
        co_return co_await run_check(client, request);
    }
    bool send = line.argument == "send";
    if (!send && line.argument != "check")
        throw usage_error{what + " takes send or check"};
    if (what == "email" && send) {
        didit::email_send_request request{.email = line.required_view("email")};
        co_return co_await run_check(client, request);
    }
    if (what == "email") {
        didit::email_check_request request{.email = line.required_view("email"),
                                           .code = line.required_view("code")};
        co_return co_await run_check(client, request);
    }
    if (send) {
        didit::phone_send_request request{.phone_number = line.required_view("phone")};
        co_return co_await run_check(client, request);
    }
    didit::phone_check_request request{.phone_number = line.required_view("phone"),
                                       .code = line.required_view("code")};
    co_return co_await run_check(client, request);
}

bool is_check(const std::string& command) {
    for (auto name : {"id-verify", "liveness", "face-search", "age", "face-match", "poa", "aml",
                      "email", "phone"})
        if (command == name)
            return true;
    return false;
}

/// `--form name=value` and `--file name=@path`, in the order given.
didit::multipart_form form_of(const command_line& line) {
    didit::multipart_form form;
    for (const auto& [flag, value] : line.ordered) {
        if (flag != "form" && flag != "file")
            continue;
        auto equals = value.find('=');
        if (equals == std::string::npos || equals == 0)
            throw usage_error{"--" + flag + " takes NAME=" + (flag == "file" ? "@PATH" : "VALUE")};
        auto name = value.substr(0, equals);
        auto rest = value.substr(equals + 1);
        if (flag == "form") {
            form.field(name, rest);
        } else {
            if (!rest.starts_with("@") || rest.size() == 1)
                throw usage_error{"--file takes NAME=@PATH"};
            form.file(name, didit::upload::from_path(rest.substr(1)));
        }
    }
    return form;
}

/// `users list`: every user (filtered), one JSON line each, up to --limit rows.
asio::awaitable<outcome> users(didit::client& client, const command_line& line) {
    if (line.argument != "list")
        throw usage_error{"users takes list"};
    outcome out;
    out.streamed = true;
    didit::user_query query{.status = line.view("status"),
                            .search = line.view("search"),
                            .country = line.view("country")};
    auto limit = line.flag("limit") ? number_flag(line, "limit") : 0;
    auto pages = client.users(query);
    for (std::uint64_t rows = 0; !pages.done() && (limit == 0 || rows < limit);) {
        auto [ec, page] = co_await pages.next(out.diag, asio::as_tuple(asio::use_awaitable));
        if (ec) {
            out.ec = ec;
            break;
        }
        for (const auto& row : page.rows)
            if (limit == 0 || rows++ < limit)
                std::cout << to_plain_json(row) << "\n";
    }
    co_return out;
}

/// One page, or with --all every page, of the listing: the service's rows as they came.
asio::awaitable<outcome> list(didit::client& client, const command_line& line) {
    outcome out;
    auto tuple = asio::as_tuple(asio::use_awaitable);
    auto vendor = line.flag("vendor-data").value_or("");
    auto status = line.flag("status").value_or("");
    didit::session_query query{.vendor_data = vendor, .status = status};
    if (line.flag("limit")) {
        auto limit = number_flag(line, "limit");
        if (limit == 0 || limit > std::numeric_limits<std::uint32_t>::max())
            throw usage_error{"--limit must be a positive number of rows"};
        query.limit = static_cast<std::uint32_t>(limit);
    }
    query.offset = number_flag(line, "offset");
    json::array rows;
    auto keep = [&rows](didit::session_page& page) {
        for (auto& row : page.results)
            rows.push_back(std::move(row.raw));
    };
    if (!line.flag("all")) {
        auto [ec, page] = co_await client.list_sessions(query, out.diag, tuple);
        out.ec = ec;
        keep(page);
        out.result = {{"count", page.count},
                      {"next", page.next ? json::value(*page.next) : nullptr},
                      {"previous", page.previous ? json::value(*page.previous) : nullptr},
                      {"results", std::move(rows)}};
        co_return out;
    }
    auto pages = client.sessions(query);
    std::uint64_t count = 0;
    while (!pages.done() && !out.ec) {
        auto [ec, page] = co_await pages.next(out.diag, tuple);
        out.ec = ec;
        count = page.count;
        keep(page);
    }
    out.result = {{"count", count}, {"results", std::move(rows)}};
    co_return out;
}

asio::awaitable<outcome> run(didit::client& client, const command_line& line,
                             didit::api_generation generation) {
    outcome out;
    auto tuple = asio::as_tuple(asio::use_awaitable);
    if (line.command == "create") {
        auto vendor = line.flag("vendor-data").value_or("");
        std::tuple<didit::error_code, didit::session> created;
        if (generation == didit::api_generation::v3) {
            auto workflow = line.required("workflow-id");
            auto callback = line.flag("callback").value_or(""); // optional in v3
            created = co_await client.create_workflow_session(
                {.workflow_id = workflow, .vendor_data = vendor, .callback = callback}, out.diag,
                tuple);
        } else {
            auto callback = line.required("callback");
            std::optional<didit::features> features;
            if (auto text = line.flag("features")) {
                features = didit::parse_features(*text);
                if (!features)
                    throw usage_error{"--features must be one of the API's combinations, "
                                      "e.g. \"OCR + NFC + FACE\""};
            }
            created = co_await client.create_session(
                {.callback = callback, .features = features, .vendor_data = vendor}, out.diag,
                tuple);
        }
        auto& [ec, s] = created;
        out.ec = ec;
        out.result = {
            {"session_id", s.session_id}, {"session_token", s.session_token}, {"url", s.url}};
        if (s.session_number)
            out.result["session_number"] = *s.session_number;
    } else if (line.command == "update-status") {
        auto status = line.required("status");
        auto new_status = review_status_named(status);
        if (!new_status)
            throw usage_error{"--status must be Approved, Declined or Resubmitted (any case)"};
        auto comment = line.flag("comment").value_or("");
        std::vector<std::string_view> nodes;
        for (auto [it, end] = line.flags.equal_range("node"); it != end; ++it)
            nodes.push_back(it->second);
        // A named request: GCC 12 cannot brace-initialise a vector member inside co_await.
        didit::status_update update{.session_id = line.argument,
                                    .new_status = *new_status,
                                    .comment = comment,
                                    .nodes_to_resubmit = nodes};
        auto [ec] = co_await client.update_status(update, out.diag, tuple);
        out.ec = ec;
        out.result = {{"session_id", line.argument}, {"status", status}};
    } else if (line.command == "delete") {
        auto [ec] = co_await client.delete_session(line.argument, out.diag, tuple);
        out.ec = ec;
        out.result = {{"session_id", line.argument}, {"deleted", true}};
    } else if (line.command == "pdf") {
        auto path = line.required("out");
        auto [ec, pdf] = co_await client.generate_pdf(line.argument, out.diag, tuple);
        out.ec = ec;
        if (!ec) {
            std::ofstream file{path, std::ios::binary};
            file.write(pdf.content.data(), static_cast<std::streamsize>(pdf.content.size()));
            if (!file)
                throw std::runtime_error("cannot write " + path);
        }
        out.result = {{"session_id", line.argument},
                      {"file", path},
                      {"bytes", pdf.content.size()},
                      {"filename", pdf.filename}};
    } else if (line.command == "decision") {
        auto [ec, decision] = co_await client.retrieve_decision(line.argument, out.diag, tuple);
        out.ec = ec;
        if (!ec)
            out.result = std::move(decision.raw.as_object());
    } else if (line.command == "list") {
        out = co_await list(client, line);
    } else if (line.command == "call") {
        if (line.second_argument.empty())
            throw usage_error{"call needs a method and a path, e.g. call GET /v3/workflows/"};
        if (line.flag("all"))
            co_return co_await call_all(client, line);
        boost::system::error_code not_json;
        std::optional<json::value> body;
        if (auto data = line.flag("data")) {
            body = json::parse(*data, not_json);
            if (not_json)
                throw usage_error{"--data must be JSON: " + not_json.message()};
        }
        std::tuple<didit::error_code, didit::api_response> answered;
        bool form = line.flag("form") || line.flag("file");
        if (form && body)
            throw usage_error{"call takes --data or --form/--file, not both"};
        if (form)
            answered = co_await client.call(line.argument, line.second_argument, form_of(line),
                                            out.diag, tuple);
        else if (body)
            answered =
                co_await client.call(line.argument, line.second_argument, *body, out.diag, tuple);
        else
            answered = co_await client.call(line.argument, line.second_argument, out.diag, tuple);
        auto& [ec, response] = answered;
        out.ec = ec;
        out.raw = std::move(response.body);
    } else if (is_check(line.command)) {
        out = co_await check(client, line);
    } else if (line.command == "users") {
        out = co_await users(client, line);
    } else if (line.command == "token") {
        auto [ec] = co_await client.check_credentials(out.diag, tuple);
        out.ec = ec;
        out.result = {{"generation", generation == didit::api_generation::v1 ? "v1" : "v3"},
                      {"credentials", "accepted"}};
    } else {
        throw usage_error{"unknown subcommand " + line.command};
    }
    co_return out;
}

} // namespace

int main(int argc, char** argv) {
    try {
        auto line = parse(argc, argv);
        if (line.command == "--help" || line.command == "-h" || line.command == "help") {
            std::cout << usage_text;
            return 0;
        }
        if (line.command == "webhook-verify") // needs no API credentials
            return webhook_verify(line);
        bool needs_id = line.command == "decision" || line.command == "update-status" ||
                        line.command == "delete" || line.command == "pdf";
        if (needs_id && line.argument.empty())
            throw usage_error{line.command + " needs a session id"};
        auto cfg = didit::config::from_env();
        if (line.flag("verbose")) // what the client does, as logfmt lines on stderr
            cfg.observer = std::make_shared<didit::logfmt_logger>(std::cerr);
        auto generation = cfg.generation();
        asio::io_context io;
        std::optional<outcome> result;
        std::exception_ptr failure;
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                didit::client client{co_await asio::this_coro::executor, cfg};
                result = co_await run(client, line, generation);
            },
            [&](std::exception_ptr e) { failure = e; });
        io.run();
        if (failure)
            std::rethrow_exception(failure);
        if (result->ec) {
            std::cerr << to_plain_json(describe(result->ec, result->diag)) << "\n";
            return 1;
        }
        if (!result->streamed)
            std::cout << to_plain_json(result->raw ? *result->raw : json::value(result->result))
                      << "\n";
        return 0;
    } catch (const usage_error& e) {
        std::cerr << "didit: " << e.what << "\n" << usage_text;
        return 2;
    } catch (const didit::config_error& e) {
        std::cerr << json::serialize(json::object{{"error", e.what()}}) << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << json::serialize(json::object{{"error", e.what()}}) << "\n";
        return 1;
    }
}
