// A create-session answer (v1 and v3 share the decoder) from arbitrary response bytes.
#include "response_bytes.hpp"
#include "wire/v1_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto response = didit::fuzz::read_response(data, size);
    if (!response)
        return 0;
    didit::diagnostics diag;
    auto session = didit::detail::parse_session(response->body, diag);
    if (session && session->session_id.empty())
        __builtin_trap(); // a session without an id must have been refused
    return 0;
}
