// A PDF answer's headers: the file name offered to the caller never has a directory part or
// control characters, whatever Content-Disposition says.
#include "wire/admin_codec.hpp"
#include "response_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto response = didit::fuzz::read_response(data, size);
    if (!response)
        return 0;
    auto name = didit::detail::disposition_filename(response->content_disposition);
    didit::fuzz::require_printable(name);
    if (name.find_first_of("/\\") != std::string::npos || name == "." || name == "..")
        __builtin_trap();
    return 0;
}
