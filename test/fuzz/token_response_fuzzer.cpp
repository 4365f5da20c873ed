// A v1 token answer from arbitrary response bytes. The token is a secret: it never reaches the
// diagnostics, and the credentials header built from it cannot carry a second header line.
#include "response_bytes.hpp"
#include "wire/v1_codec.hpp"

#include <boost/json/parse.hpp>

#include <string>

namespace {

/// The access_token the body offers, when it is a JSON object with a string one.
std::string offered_token(std::string_view body) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object())
        return {};
    const auto* token = value.get_object().if_contains("access_token");
    return token && token->is_string() ? std::string{token->get_string()} : std::string{};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto response = didit::fuzz::read_response(data, size);
    if (!response)
        return 0;
    didit::diagnostics diag;
    auto token = didit::detail::parse_token_response(response->body, diag);
    auto offered = offered_token(response->body);
    // A token with a '~' (no message of ours has one) must not appear in the diagnostics;
    // shorter or plainer ones could be words of the message itself.
    if (offered.find('~') != std::string::npos && diag.message.find(offered) != std::string::npos)
        __builtin_trap();
    if (token) {
        const auto& line = token->credentials;
        if (line.find("\r\n") != line.size() - 2 || line.find('\n') != line.size() - 1)
            __builtin_trap(); // exactly one header line
    }
    return 0;
}
