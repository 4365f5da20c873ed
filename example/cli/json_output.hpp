#pragma once
// JSON for people: numbers as written ("1046.10", not Boost.JSON's "1.04610E3"), one line.

#include <boost/json/value.hpp>

#include <string>

namespace didit_cli {

/// `value` as compact JSON; doubles in their shortest round-trip form, plain notation where
/// it is no longer than scientific (std::to_chars).
std::string to_plain_json(const boost::json::value& value);

} // namespace didit_cli
