#include "webhook_verify.hpp"

#include "json_output.hpp"

#include <didit/webhook.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string_view>
#include <vector>

namespace didit_cli {

namespace json = boost::json;

namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

/// The delivery's signature headers from `-H 'Name: value'` flags (names in any case).
didit::webhook_headers headers_of(const command_line& line) {
    didit::webhook_headers headers;
    for (auto [it, end] = line.flags.equal_range("header"); it != end; ++it) {
        std::string_view header = it->second;
        auto colon = header.find(':');
        if (colon == std::string_view::npos)
            throw usage_error{"-H needs 'Name: value', got " + it->second};
        auto name = trim(header.substr(0, colon));
        auto value = trim(header.substr(colon + 1));
        if (same_name(name, "X-Signature"))
            headers.signature = value;
        else if (same_name(name, "X-Signature-V2"))
            headers.signature_v2 = value;
        else if (same_name(name, "X-Signature-Simple"))
            headers.signature_simple = value;
        else if (same_name(name, "X-Timestamp"))
            headers.timestamp = value;
    }
    return headers;
}

std::string_view signature_name(didit::webhook_signature which) {
    switch (which) {
    case didit::webhook_signature::raw:
        return "X-Signature";
    case didit::webhook_signature::canonical:
        return "X-Signature-V2";
    case didit::webhook_signature::simple:
        return "X-Signature-Simple";
    }
    return "";
}

} // namespace

int webhook_verify(const command_line& line) {
    // --secret-env may repeat, newest secret first, while a rotated secret spreads.
    line.required("secret-env");
    std::vector<std::string_view> secrets;
    std::string unset;
    for (auto [it, end] = line.flags.equal_range("secret-env"); it != end; ++it) {
        const char* secret = std::getenv(it->second.c_str());
        if (secret == nullptr && unset.empty())
            unset = it->second;
        secrets.emplace_back(secret != nullptr ? secret : "");
    }
    didit::webhook_options options;
    options.allow_simple = line.flag("allow-simple").has_value();
    if (line.flag("tolerance"))
        options.tolerance = std::chrono::seconds{number_flag(line, "tolerance")};
    auto now = std::chrono::system_clock::now();
    if (line.flag("now"))
        now = std::chrono::system_clock::time_point{std::chrono::seconds{number_flag(line, "now")}};
    auto headers = headers_of(line);
    std::string body{std::istreambuf_iterator<char>{std::cin}, std::istreambuf_iterator<char>{}};

    didit::diagnostics diag;
    auto verified = didit::verify_webhook(body, headers, secrets, now, diag, options);
    if (!verified) {
        auto ec = verified.error();
        json::object out{{"kind", didit::to_string(static_cast<didit::webhook_error>(ec.value()))},
                         {"error", ec.message()}};
        if (!diag.message.empty())
            out["reason"] = diag.message;
        if (!unset.empty())
            out["reason"] = "the variable " + unset + " is not set";
        std::cerr << to_plain_json(out) << "\n";
        return 1;
    }
    const auto& event = *verified;
    json::object out{{"verified_by", signature_name(event.verified_by)},
                     {"secret_index", event.secret_index},
                     {"fully_signed", event.fully_signed},
                     {"session_id", event.session_id},
                     {"status", event.status.text},
                     {"webhook_type", event.webhook_type},
                     {"event_id", event.event_id},
                     {"timestamp", event.timestamp},
                     {"payload", event.raw}};
    std::cout << to_plain_json(out) << "\n";
    return 0;
}

} // namespace didit_cli
