#include "form_parser.hpp"

#include "negotiation.hpp"

#include "crypto/hmac.hpp"

#include <algorithm>
#include <cctype>

namespace didit::emulator::detail {

namespace {

constexpr std::size_t max_header_bytes = 16 * 1024;

/// The parameter `key` of a header value such as `form-data; name="a"; filename="b"`.
std::optional<std::string> parameter(std::string_view value, std::string_view key) {
    auto at = value.find(';');
    while (at != std::string_view::npos) {
        value.remove_prefix(at + 1);
        auto equals = value.find('=');
        if (equals == std::string_view::npos)
            return std::nullopt;
        auto name = trim(value.substr(0, equals));
        value.remove_prefix(equals + 1);
        value = trim(value);
        std::string_view found;
        if (!value.empty() && value.front() == '"') {
            auto close = value.find('"', 1);
            if (close == std::string_view::npos)
                return std::nullopt;
            found = value.substr(1, close - 1);
            value.remove_prefix(close + 1);
        } else {
            found = trim(value.substr(0, value.find(';')));
        }
        if (same_letters(name, key))
            return std::string{found};
        at = value.find(';');
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> form_boundary(std::string_view content_type) {
    auto type = trim(content_type.substr(0, content_type.find(';')));
    if (!same_letters(type, "multipart/form-data"))
        return std::nullopt;
    auto boundary = parameter(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70)
        return std::nullopt;
    return boundary;
}

form_parser::form_parser(std::string boundary) : delimiter_("\r\n--" + boundary) {
    // The body's first delimiter has no CR LF before it: give it one.
    pending_ = "\r\n";
}

bool form_parser::fail(std::string why) {
    state_ = state::failed;
    problem_ = std::move(why);
    return false;
}

void form_parser::take(std::string_view data) {
    if (data.empty() || parts_.empty())
        return;
    auto& part = parts_.back();
    part.size += data.size();
    if (part.content.size() < keep_bytes)
        part.content.append(data.substr(0, keep_bytes - part.content.size()));
    EVP_DigestUpdate(digest_.get(), data.data(), data.size());
}

void form_parser::close_part() {
    if (parts_.empty() || !digest_)
        return;
    didit::detail::sha256_digest out{};
    EVP_DigestFinal_ex(digest_.get(), out.data(), nullptr);
    parts_.back().sha256 = didit::detail::to_hex(out);
    digest_.reset();
}

bool form_parser::read_headers(std::string_view text) {
    form_part part;
    bool disposition = false;
    while (!text.empty()) {
        auto end = text.find("\r\n");
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 2);
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return fail("a part has a header line without ':'");
        auto name = trim(line.substr(0, colon));
        auto value = trim(line.substr(colon + 1));
        if (same_letters(name, "Content-Disposition")) {
            if (!same_letters(trim(value.substr(0, value.find(';'))), "form-data"))
                return fail("a part's Content-Disposition is not form-data");
            auto field = parameter(value, "name");
            if (!field)
                return fail("a part's Content-Disposition has no name");
            part.name = std::move(*field);
            part.file_name = parameter(value, "filename");
            disposition = true;
        } else if (same_letters(name, "Content-Type")) {
            part.content_type = value;
        }
    }
    if (!disposition)
        return fail("a part has no Content-Disposition");
    parts_.push_back(std::move(part));
    digest_.reset(EVP_MD_CTX_new());
    EVP_DigestInit_ex(digest_.get(), EVP_sha256(), nullptr);
    return true;
}

bool form_parser::feed(std::string_view bytes) {
    if (state_ == state::failed)
        return false;
    if (state_ == state::done)
        return true; // the epilogue is ignored
    pending_.append(bytes);
    std::size_t at = 0; // bytes of pending_ placed
    for (;;) {
        std::string_view rest{pending_.data() + at, pending_.size() - at};
        if (state_ == state::preamble || state_ == state::data) {
            auto found = rest.find(delimiter_);
            if (found == std::string_view::npos) {
                // Everything but what may be the start of a delimiter split across reads.
                auto safe = rest.size() > delimiter_.size() ? rest.size() - delimiter_.size() : 0;
                if (state_ == state::data)
                    take(rest.substr(0, safe));
                at += safe;
                break;
            }
            if (state_ == state::data) {
                take(rest.substr(0, found));
                close_part();
            }
            at += found + delimiter_.size();
            state_ = state::after_delimiter;
        } else if (state_ == state::after_delimiter) {
            if (rest.size() < 2)
                break;
            if (rest.starts_with("--")) {
                state_ = state::done;
                pending_.clear();
                return true;
            }
            if (!rest.starts_with("\r\n"))
                return fail("a boundary is not followed by CR LF");
            state_ = state::headers; // keeps the CR LF: a part without headers ends at once
        } else if (state_ == state::headers) {
            auto end = rest.find("\r\n\r\n");
            if (end == std::string_view::npos) {
                if (rest.size() > max_header_bytes)
                    return fail("a part's headers exceed 16 KiB");
                break;
            }
            if (!read_headers(rest.substr(2, end >= 2 ? end - 2 : 0)))
                return false;
            at += end + 4;
            state_ = state::data;
        } else {
            break;
        }
    }
    pending_.erase(0, at);
    return true;
}

bool form_parser::finish() {
    if (state_ == state::failed)
        return false;
    if (state_ != state::done)
        return fail("the body ends before the closing boundary");
    return true;
}

const form_part* form_parser::find(std::string_view name) const {
    for (const auto& part : parts_)
        if (part.name == name)
            return &part;
    return nullptr;
}

} // namespace didit::emulator::detail
