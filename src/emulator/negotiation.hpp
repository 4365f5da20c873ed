#pragma once
// Content-Type and Accept as Django REST framework reads them: the service answers 415 to a
// body it has no parser for and 406 when no renderer satisfies Accept. Pure.

#include <string_view>

namespace didit::emulator::detail {

/// `text` without the spaces and tabs around it.
std::string_view trim(std::string_view text);

/// Whether `a` and `b` are the same ASCII text, case aside.
bool same_letters(std::string_view a, std::string_view b);

/// Whether a Content-Type header names `type` ("application/json"), parameters such as
/// charset allowed, case-insensitively.
bool media_type_is(std::string_view content_type, std::string_view type);

/// Whether an Accept header lets the answer be `type`: absent, `*/*`, `application/*` or the
/// type itself among its ranges (quality 0 excluded).
bool accepts(std::string_view accept, std::string_view type);

} // namespace didit::emulator::detail
