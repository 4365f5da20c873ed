// A decision of either generation (the first byte chooses) from arbitrary response bytes.
#include "wire/decision_codec.hpp"
#include "response_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    auto generation = data[0] & 1 ? didit::api_generation::v3 : didit::api_generation::v1;
    auto response = didit::fuzz::read_response(data + 1, size - 1);
    if (!response)
        return 0;
    didit::diagnostics diag;
    auto decision = didit::detail::parse_decision(response->body, generation, diag);
    (void)decision;
    return 0;
}
