#include "wire/multipart.hpp"

#include "crypto/random.hpp"

#include <array>
#include <cctype>

namespace didit::detail {

namespace {

constexpr std::uint64_t mebibytes(std::uint64_t n) {
    return n * 1024 * 1024;
}

struct field_limit {
    std::string_view route;
    std::string_view field;
    std::uint64_t max_bytes;
};

// API reference 7.0 and 7.1: face images 5 MB; ID documents 5 MB (the strictest of Didit's
// pages); proof of address 15 MB; Document AI 30 MB.
constexpr std::array<field_limit, 10> limits{{
    {"/v3/id-verification/", "front_image", mebibytes(5)},
    {"/v3/id-verification/", "back_image", mebibytes(5)},
    {"/v3/passive-liveness/", "user_image", mebibytes(5)},
    {"/v3/face-match/", "user_image", mebibytes(5)},
    {"/v3/face-match/", "ref_image", mebibytes(5)},
    {"/v3/face-search/", "user_image", mebibytes(5)},
    {"/v3/age-estimation/", "user_image", mebibytes(5)},
    {"/v3/database-validation/", "selfie", mebibytes(5)},
    {"/v3/poa/", "document", mebibytes(15)},
    {"/v3/document-ai/", "document", mebibytes(30)},
}};

bool ends_with_nocase(std::string_view text, std::string_view suffix) {
    if (text.size() < suffix.size())
        return false;
    text.remove_prefix(text.size() - suffix.size());
    for (std::size_t i = 0; i < suffix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != suffix[i])
            return false;
    return true;
}

bool header_safe(std::string_view value) {
    for (char c : value) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            return false;
    }
    return true;
}

std::string part_head(std::string_view boundary, const multipart_form::part& part,
                      std::string_view content_type) {
    std::string head;
    head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"");
    head.append(escape_form_name(part.name)).append("\"");
    if (part.file) {
        head.append("; filename=\"").append(escape_form_name(part.file->file_name)).append("\"");
        head.append("\r\nContent-Type: ").append(content_type);
    }
    head.append("\r\n\r\n");
    return head;
}

std::string mebibyte_text(std::uint64_t bytes) {
    return std::to_string(bytes / mebibytes(1)) + " MB (" + std::to_string(bytes) + " bytes)";
}

} // namespace

std::string escape_form_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '"')
            out.append("%22");
        else if (c == '\r')
            out.append("%0D");
        else if (c == '\n')
            out.append("%0A");
        else
            out.push_back(c);
    }
    return out;
}

std::string choose_boundary(const multipart_form& form) {
    for (;;) {
        auto boundary = std::string{"didit-"}.append(random_hex(16));
        // A file on disk is not read to check: 128 random bits do not turn up by chance.
        bool clash = false;
        for (const auto& part : form.parts()) {
            const auto& text = part.file ? part.file->bytes : part.value;
            clash = clash || text.find(boundary) != std::string::npos;
        }
        if (!clash)
            return boundary;
    }
}

std::string_view content_type_for(std::string_view file_name) {
    if (ends_with_nocase(file_name, ".jpg") || ends_with_nocase(file_name, ".jpeg"))
        return "image/jpeg";
    if (ends_with_nocase(file_name, ".png"))
        return "image/png";
    if (ends_with_nocase(file_name, ".webp"))
        return "image/webp";
    if (ends_with_nocase(file_name, ".tif") || ends_with_nocase(file_name, ".tiff"))
        return "image/tiff";
    if (ends_with_nocase(file_name, ".pdf"))
        return "application/pdf";
    if (ends_with_nocase(file_name, ".zip"))
        return "application/zip";
    return "application/octet-stream";
}

std::uint64_t upload_limit(std::string_view route, std::string_view field) {
    for (const auto& limit : limits)
        if (limit.route == route && limit.field == field)
            return limit.max_bytes;
    return 0;
}

std::string encode_form(const multipart_form& form, std::string_view boundary,
                        std::string_view route, encoded_form& out) {
    out = {};
    out.content_type = "multipart/form-data; boundary=";
    out.content_type.append(boundary);
    std::string pending; // text not yet closed by a file from disk
    for (const auto& part : form.parts()) {
        if (part.name.empty())
            return "every field of a multipart form needs a name";
        if (!part.file) {
            pending.append(part_head(boundary, part, {})).append(part.value).append("\r\n");
            continue;
        }
        const auto& file = *part.file;
        if (!header_safe(file.content_type))
            return "the content type of file '" + part.name + "' has control characters";
        auto type = file.content_type.empty() ? std::string{content_type_for(file.file_name)}
                                              : file.content_type;
        std::uint64_t size = file.bytes.size();
        if (file.from_disk()) {
            std::error_code ec;
            size = std::filesystem::file_size(file.path, ec);
            if (ec)
                return "the file for field '" + part.name + "' cannot be read: " + ec.message();
        }
        if (auto most = upload_limit(route, part.name); most != 0 && size > most)
            return "the file for field '" + part.name + "' has " + std::to_string(size) +
                   " bytes; " + std::string{route} + " takes at most " + mebibyte_text(most);
        pending.append(part_head(boundary, part, type));
        if (!file.from_disk()) {
            pending.append(file.bytes).append("\r\n");
            continue;
        }
        out.length += pending.size() + size;
        out.segments.push_back({std::move(pending), file.path, size, part.name});
        pending = "\r\n";
    }
    pending.append("--").append(boundary).append("--\r\n");
    out.length += pending.size();
    out.segments.push_back({std::move(pending), {}, 0, {}});
    return {};
}

} // namespace didit::detail
