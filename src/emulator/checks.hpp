#pragma once
// The standalone checks of API reference 7, answered the way Didit's sandbox does: by magic
// values. A file (the check's first) whose bytes start with "DECLINE" is declined with the
// check's usual reason, "REVIEW" goes to review, "NOFACE" finds no face; an AML name with
// "Sanctioned" in it is a hit, with "Review" a possible match; a one-time code is always
// 123456; an e-mail at "undeliverable.test" or a phone number ending 0000 cannot be reached.
// Everything else is approved. Used under the service's lock.

#include "answers.hpp"
#include "form_parser.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

namespace didit::emulator::detail {

/// Whether `path` (no query) is a standalone check.
bool is_check_path(std::string_view path);

/// Whether `path` takes multipart/form-data (the image and document checks; database
/// validation takes either).
bool check_takes_form(std::string_view path);

class check_desk {
public:
    /// Answers a check that credentials, rate limits and balance let through. `form` is the
    /// parsed body when it was multipart/form-data.
    http_response answer(const http_request& request, std::string_view path,
                         const form_parser* form, std::chrono::system_clock::time_point now);
    void reset() { codes_.clear(); }

private:
    struct pending_code {
        unsigned wrong = 0; ///< wrong codes so far
    };
    /// "email:<address>" or "phone:<number>" -> the code sent last
    std::unordered_map<std::string, pending_code> codes_;

    http_response one_time_code(const http_request& request, std::string_view path,
                                std::chrono::system_clock::time_point now);
};

} // namespace didit::emulator::detail
