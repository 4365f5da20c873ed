#pragma once
// The query string of `GET /v3/sessions/`. Pure functions.

#include <didit/session_list.hpp>
#include <didit/users.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace didit::detail {

/// Why `query` cannot be sent (names the field); empty when it can.
std::string check_session_query(const session_query& query);

/// `path` followed by the set filters and limit, percent-encoded, and `offset` when not 0.
std::string session_list_target(std::string_view path, const session_query& query,
                                std::uint64_t offset);

/// `GET /v3/users/` with the set filters, percent-encoded.
std::string users_target(const user_query& query);

/// The (percent-encoded) query of any page's `next` link, to ask for the next page on our own
/// origin and path: never its host, scheme or path. None for a link without one, or not a URL.
std::optional<std::string> link_query(std::string_view next);

/// The query of a page's `next` link, to ask for the next page on our own origin and path:
/// never its host, scheme or path. None when the link has no usable query (no offset, or not
/// a valid URL), so the caller falls back to counting rows.
std::optional<std::string> next_page_query(std::string_view next);

} // namespace didit::detail
