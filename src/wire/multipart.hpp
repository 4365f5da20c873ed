#pragma once
// multipart/form-data (RFC 7578) as the client sends it: names escaped, a random boundary, the
// body laid out as text segments and files to stream between them, and the reference's size
// limits per endpoint and field. Pure, except that file sizes are read from the disk.

#include <didit/multipart.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace didit::detail {

/// A run of the body: `text`, then the content of `file` when it is set.
struct form_segment {
    std::string text;
    std::filesystem::path file;
    std::uint64_t file_size = 0; ///< as found when the call started
    std::string field;           ///< the file's field, for messages
};

/// The whole body, ready to send; `length` is its Content-Length.
struct encoded_form {
    std::string content_type; ///< "multipart/form-data; boundary=..."
    std::vector<form_segment> segments;
    std::uint64_t length = 0;
};

/// A name or file name inside a quoted Content-Disposition parameter, as RFC 7578 4.2 and the
/// HTML standard write it: '"' as %22, CR as %0D, LF as %0A; other bytes (UTF-8 too) as they are.
std::string escape_form_name(std::string_view name);

/// "didit-" and 32 random hex digits, found in none of the in-memory parts of `form`.
std::string choose_boundary(const multipart_form& form);

/// The content type for a file name's extension (the image and document types of the
/// reference), application/octet-stream for others.
std::string_view content_type_for(std::string_view file_name);

/// The most bytes the service takes in `field` of a form sent to `route` (a path such as
/// "/v3/face-match/", without prefix or query); 0 when the reference sets no limit.
std::uint64_t upload_limit(std::string_view route, std::string_view field);

/// Lays `form` out with `boundary` into `out`. Returns why it cannot be sent (naming the
/// field): a file that cannot be read, a file over its limit for `route`, a content type with
/// control characters; empty when it can.
std::string encode_form(const multipart_form& form, std::string_view boundary,
                        std::string_view route, encoded_form& out);

} // namespace didit::detail
