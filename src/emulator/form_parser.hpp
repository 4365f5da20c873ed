#pragma once
// multipart/form-data as the service reads it: bytes in pieces of any size, parts kept as
// they arrive (small ones whole, each with its size and SHA-256), a boundary inside a file
// told from the real one. Names are taken as written, as Django does: %22 stays %22. Pure.

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace didit::emulator::detail {

struct form_part {
    std::string name;
    std::optional<std::string> file_name; ///< set for a file
    std::string content_type;
    std::uint64_t size = 0;
    std::string content; ///< the first form_parser::keep_bytes of it
    std::string sha256;  ///< lowercase hex, of all of it
};

class form_parser {
public:
    static constexpr std::size_t keep_bytes = 1 << 20;

    explicit form_parser(std::string boundary);

    /// Takes the next bytes of the body. False once the body is not a form (see problem()).
    bool feed(std::string_view bytes);
    /// After the last bytes: false unless the closing boundary was seen.
    bool finish();

    const std::vector<form_part>& parts() const noexcept { return parts_; }
    /// The part named `name`, or null.
    const form_part* find(std::string_view name) const;
    const std::string& problem() const noexcept { return problem_; }

private:
    enum class state { preamble, after_delimiter, headers, data, done, failed };
    bool fail(std::string why);
    void take(std::string_view data);
    void close_part();
    bool read_headers(std::string_view text);

    std::string delimiter_; ///< CR LF "--" boundary
    std::string pending_;   ///< bytes not yet placed
    state state_ = state::preamble;
    std::vector<form_part> parts_;
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> digest_{nullptr, &EVP_MD_CTX_free};
    std::string problem_;
};

/// The boundary parameter of a multipart/form-data Content-Type, quoted or not; none for
/// another type or a missing or invalid boundary.
std::optional<std::string> form_boundary(std::string_view content_type);

} // namespace didit::emulator::detail
