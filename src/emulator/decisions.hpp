#pragma once
// What the emulated service says about a session: its decision in either generation's shape
// and its row in a listing. Pure functions of the stored session.

#include "session_record.hpp"

#include <boost/json/object.hpp>

namespace didit::emulator::detail {

/// The decision as `GET /v{1,3}/session/{id}/decision/` returns it: checks are null until the
/// person finished, then their outcomes follow session.outcome (Declined: the face did not
/// match; In Review: a possible AML match).
boost::json::object decision_json(const session_record& session, api_generation generation);

/// The session's row in `GET /v3/sessions/`.
boost::json::object list_row_json(const session_record& session);

} // namespace didit::emulator::detail
