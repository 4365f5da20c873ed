#pragma once
// Reading the service's enumeration strings. Pure.

#include <didit/decision.hpp>

#include <string_view>

namespace didit::detail {

open_enum<document_type> parse_document_type(std::string_view text);
open_enum<liveness_method> parse_liveness_method(std::string_view text);
open_enum<warning_level> parse_warning_level(std::string_view text);
open_enum<entity_type> parse_entity_type(std::string_view text);

} // namespace didit::detail
