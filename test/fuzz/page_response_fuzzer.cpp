// A v3 list page from arbitrary response bytes.
#include "wire/decision_codec.hpp"
#include "response_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto response = didit::fuzz::read_response(data, size);
    if (!response)
        return 0;
    didit::diagnostics diag;
    auto page = didit::detail::parse_session_page(response->body, diag);
    (void)page;
    return 0;
}
