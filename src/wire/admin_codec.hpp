#pragma once
// Wire format of the session-management calls (update status, delete, PDF). Pure functions.

#include <didit/config.hpp>
#include <didit/diagnostics.hpp>
#include <didit/session_admin.hpp>

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace didit::detail {

/// Why `id` cannot go into a URL path (names the field); empty when it can. Ids are UUIDs;
/// anything beyond letters, digits, '-' and '_' could change the path.
std::string check_session_id(std::string_view id);

/// Why `update` cannot be sent to `generation` (names the field); empty when it can.
std::string check_status_update(const status_update& update, api_generation generation);

/// The PATCH body; v1 carries only new_status and comment.
std::string status_update_body(const status_update& update, api_generation generation);

std::string check_batch_deletion(const batch_deletion& deletion);
std::string batch_deletion_body(const batch_deletion& deletion);

/// The job of a 202 answer to a batch delete; invalid_response (diag says why) when the body
/// has no plain `job_id` (letters, digits, '-' and '_': it goes into the polling path).
boost::system::result<std::string> parse_deletion_job(std::string_view body, diagnostics& diag);

enum class job_state { pending, completed, failed };
/// A poll's answer: "completed" (or done, finished, succeeded, success) ends the job well,
/// "failed" (or error, cancelled) badly; any other status means it still runs.
boost::system::result<job_state> parse_job_state(std::string_view body, diagnostics& diag);

/// The file name in a Content-Disposition header, without any directory part; "" if none.
std::string disposition_filename(std::string_view content_disposition);

} // namespace didit::detail
