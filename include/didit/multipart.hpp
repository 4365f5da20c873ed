#pragma once
// A multipart/form-data body (RFC 7578) for client::call() and the standalone checks: fields
// and files, each file from memory or from a path.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace didit {

/// A file to upload: a view of its bytes in memory, or of its path. What it views must live
/// until the call that takes it returns (client::check() and multipart_form::file() copy what
/// they need before they return), so a braced upload inside co_await is safe.
///
/// From a path, the file is read while the request is sent, a piece at a time, so a large file
/// is never held in memory whole; its size is taken when the call starts, and a file that
/// changes size before it is sent fails the call with error::invalid_request.
struct upload {
    /// `bytes` as a file named `file_name`.
    static upload from_memory(std::string_view bytes, std::string_view file_name,
                              std::string_view content_type = "application/octet-stream") {
        return {file_name, content_type, bytes, {}};
    }

    /// The file at `path`, named by its last component. An empty `content_type` is taken from
    /// the extension (.jpg, .jpeg, .png, .webp, .tif, .tiff, .pdf, .zip), else
    /// application/octet-stream.
    static upload from_path(std::string_view path, std::string_view content_type = {}) {
        auto slash = path.find_last_of('/');
        auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
        return {name, content_type, {}, path};
    }

    std::string_view file_name{};    ///< as the form says it; quotes, CR and LF are escaped
    std::string_view content_type{}; ///< empty: guessed from the file name's extension
    std::string_view bytes{};        ///< the content, unless `path` is set
    std::string_view path{};

    bool from_disk() const noexcept { return !path.empty(); }
};

/// The fields and files of a multipart/form-data body, in order, owning copies of them. The
/// boundary is random, drawn when the call starts.
class multipart_form {
public:
    /// A file as the form keeps it: what an upload viewed, copied.
    struct stored_file {
        std::string file_name;
        std::string content_type;
        std::string bytes;
        std::string path;
        bool from_disk() const noexcept { return !path.empty(); }
    };
    struct part {
        std::string name;
        std::string value;               ///< a field's text
        std::optional<stored_file> file; ///< set for a file
    };

    /// A text field.
    multipart_form& field(std::string_view name, std::string_view value) {
        parts_.push_back({std::string{name}, std::string{value}, std::nullopt});
        return *this;
    }

    /// A file; a file from a path is read when the request is sent, not now.
    multipart_form& file(std::string_view name, const upload& content) {
        parts_.push_back(
            {std::string{name},
             {},
             stored_file{std::string{content.file_name}, std::string{content.content_type},
                         std::string{content.bytes}, std::string{content.path}}});
        return *this;
    }

    const std::vector<part>& parts() const noexcept { return parts_; }
    bool empty() const noexcept { return parts_.empty(); }

private:
    std::vector<part> parts_;
};

} // namespace didit
