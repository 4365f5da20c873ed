#pragma once
// A multipart/form-data body (RFC 7578) for client::call() and the standalone checks: fields
// and files, each file from memory or from a path.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace didit {

/// A file to upload. From a path, it is read while the request is sent, a piece at a time, so
/// a large file is never held in memory whole; its size is taken when the call starts, and a
/// file that changes size before it is sent fails the call with error::invalid_request.
struct upload {
    /// `bytes` as a file named `file_name`.
    static upload from_memory(std::string bytes, std::string file_name,
                              std::string content_type = "application/octet-stream") {
        upload file;
        file.bytes = std::move(bytes);
        file.file_name = std::move(file_name);
        file.content_type = std::move(content_type);
        return file;
    }

    /// The file at `path`, named by its last component. An empty `content_type` is taken from
    /// the extension (.jpg, .jpeg, .png, .webp, .tif, .tiff, .pdf, .zip), else
    /// application/octet-stream.
    static upload from_path(std::filesystem::path path, std::string content_type = {}) {
        upload file;
        file.file_name = path.filename().string();
        file.path = std::move(path);
        file.content_type = std::move(content_type);
        return file;
    }

    std::string file_name;    ///< as the form says it; quotes, CR and LF are escaped when sent
    std::string content_type; ///< empty: guessed from the file name's extension
    std::string bytes;        ///< the content, unless `path` is set
    std::filesystem::path path;

    bool from_disk() const noexcept { return !path.empty(); }
};

/// The fields and files of a multipart/form-data body, in order. The boundary is random, drawn
/// when the call starts.
class multipart_form {
public:
    struct part {
        std::string name;
        std::string value;          ///< a field's text
        std::optional<upload> file; ///< set for a file
    };

    /// A text field.
    multipart_form& field(std::string name, std::string value) {
        parts_.push_back({std::move(name), std::move(value), std::nullopt});
        return *this;
    }

    /// A file.
    multipart_form& file(std::string name, upload content) {
        parts_.push_back({std::move(name), {}, std::move(content)});
        return *this;
    }

    const std::vector<part>& parts() const noexcept { return parts_; }
    bool empty() const noexcept { return parts_.empty(); }

private:
    std::vector<part> parts_;
};

} // namespace didit
