#pragma once
// `didit webhook-verify`: checks a delivery the way a server would, for debugging an endpoint.

#include "command_line.hpp"

namespace didit_cli {

/// Reads the body from stdin and the headers from -H flags; prints the event (exit 0) or why
/// it was refused (exit 1). The secret comes from the variable named by --secret-env, so it
/// never shows in the process list or shell history.
int webhook_verify(const command_line& line);

} // namespace didit_cli
