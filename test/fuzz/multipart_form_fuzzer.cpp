// The multipart encoder's escaping, checked by parsing its output back. Input: NUL-separated
// names, file names and contents (a part is a file when its file name is not empty), then the
// sizes of the pieces the parser is fed in. Whatever the names hold (quotes, CR LF, non-ASCII,
// the boundary), the body must parse back to the same parts, with the names escaped and
// nothing injected: a finding is a part lost, added or changed.
#include "emulator/form_parser.hpp"
#include "wire/multipart.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::vector<std::string_view> split(std::string_view text) {
    std::vector<std::string_view> out;
    for (;;) {
        auto end = text.find('\0');
        out.push_back(text.substr(0, end));
        if (end == std::string_view::npos)
            return out;
        text.remove_prefix(end + 1);
    }
}

bool has_raw_breakers(std::string_view text) {
    return text.find_first_of("\"\r\n") != std::string_view::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto words = split({reinterpret_cast<const char*>(data), size});
    didit::multipart_form form;
    std::size_t i = 0;
    for (; i + 2 < words.size() && form.parts().size() < 8; i += 3) {
        std::string name{words[i]}, file_name{words[i + 1]}, content{words[i + 2]};
        if (file_name.empty())
            form.field(name, content);
        else
            form.file(name, didit::upload::from_memory(content, file_name, "image/jpeg"));
    }
    auto boundary = didit::detail::choose_boundary(form);
    didit::detail::encoded_form encoded;
    if (!didit::detail::encode_form(form, boundary, "/v3/face-match/", encoded).empty())
        return 0; // refused (an empty name): nothing to send
    if (encoded.segments.size() != 1)
        std::abort(); // in-memory parts only: one segment
    const auto& body = encoded.segments[0].text;
    if (body.size() != encoded.length)
        std::abort();

    // Feed it in pieces whose sizes come from the input's tail.
    didit::emulator::detail::form_parser parser{boundary};
    std::size_t at = 0, step = 0;
    while (at < body.size()) {
        auto piece = 1 + (size > 0 ? data[step++ % size] : 0);
        if (!parser.feed(std::string_view{body}.substr(at, piece)))
            std::abort();
        at += piece;
    }
    if (!parser.finish())
        std::abort();
    const auto& parsed = parser.parts();
    if (parsed.size() != form.parts().size())
        std::abort();
    for (std::size_t k = 0; k < parsed.size(); ++k) {
        const auto& sent = form.parts()[k];
        const auto& got = parsed[k];
        if (got.name != didit::detail::escape_form_name(sent.name) || has_raw_breakers(got.name))
            std::abort();
        if (sent.file.has_value() != got.file_name.has_value())
            std::abort();
        if (sent.file) {
            if (*got.file_name != didit::detail::escape_form_name(sent.file->file_name) ||
                has_raw_breakers(*got.file_name) || got.content != sent.file->bytes)
                std::abort();
        } else if (got.content != sent.value) {
            std::abort();
        }
    }
    return 0;
}
