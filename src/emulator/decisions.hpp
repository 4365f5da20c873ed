#pragma once
// What the emulated service says about a session: its decision in either generation's shape
// and its row in a listing. Pure functions of the stored session.

#include "session_record.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace didit::emulator::detail {

/// The decision as `GET /v{1,3}/session/{id}/decision/` returns it: checks are null until the
/// person finished, then their outcomes follow session.outcome (Declined: the face did not
/// match; In Review: a possible AML match).
boost::json::object decision_json(const session_record& session, api_generation generation);

/// The session's row in `GET /v3/sessions/`.
boost::json::object list_row_json(const session_record& session);

/// The issuing country (alpha-3) of the document read in the session; empty until finished.
std::string_view document_country(const session_record& session);

/// Whether `text` occurs in what the listing's `search` looks through: vendor data and the
/// name read from the document.
bool search_matches(const session_record& session, std::string_view text);

} // namespace didit::emulator::detail
