#pragma once
// The users of an application (API reference 8): the filters of their listing, and the path of
// one user, whose key is the vendor_data your sessions carry.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace didit {

/// Filters of `GET /v3/users/` (client::users()); empty fields are not sent.
struct user_query {
    std::string_view status{};            ///< "ACTIVE", "FLAGGED" or "BLOCKED"
    std::string_view search{};            ///< vendor_data, names, approved e-mails or phones
    std::string_view country{};           ///< ISO 3166 alpha-3 of an approved document
    std::optional<std::uint32_t> limit{}; ///< rows per page, 1 to 200 (the service's default 50)
};

/// "/v3/users/<vendor_data>/<action>", the key percent-encoded (it is case-sensitive and may
/// hold any character), for client::call():
///
///     co_await client.call("GET", didit::user_path(vendor_data));
///     co_await client.call("PATCH", didit::user_path(vendor_data, "update-status/"),
///                          boost::json::value{{"status", "BLOCKED"}});
std::string user_path(std::string_view vendor_data, std::string_view action = {});

} // namespace didit
