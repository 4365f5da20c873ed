// A failing answer: its status, detail, code and Retry-After become an error and diagnostics, which
// must stay bounded and printable whatever the server sends.
#include "response_bytes.hpp"
#include "wire/response_mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto response = didit::fuzz::read_response(data, size);
    if (!response)
        return 0;
    (void)didit::detail::error_for_api_status(response->status);
    (void)didit::detail::error_for_token_status(response->status);
    (void)didit::detail::parse_retry_after(response->retry_after);
    didit::diagnostics diag;
    didit::detail::describe_failure(response->status, *response, diag);
    for (const auto* text : {&diag.message, &diag.detail, &diag.code}) {
        didit::fuzz::require_printable(*text);
        if (text->size() > 1024)
            __builtin_trap();
    }
    return 0;
}
