#pragma once
// Content-Type and Accept as Django REST framework reads them: the service answers 415 to a
// body it has no parser for and 406 when no renderer satisfies Accept. Pure.

#include <string_view>

namespace didit::emulator::detail {

/// Whether a Content-Type header names `type` ("application/json"), parameters such as
/// charset allowed, case-insensitively.
bool media_type_is(std::string_view content_type, std::string_view type);

/// Whether an Accept header lets the answer be `type`: absent, `*/*`, `application/*` or the
/// type itself among its ranges (quality 0 excluded).
bool accepts(std::string_view accept, std::string_view type);

} // namespace didit::emulator::detail
