#pragma once
// Everything a user of the Didit client needs.

#include <didit/api_error.hpp>
#include <didit/api_response.hpp>
#include <didit/checks.hpp>
#include <didit/client.hpp>
#include <didit/config.hpp>
#include <didit/decision.hpp>
#include <didit/diagnostics.hpp>
#include <didit/error.hpp>
#include <didit/logfmt_logger.hpp>
#include <didit/metrics.hpp>
#include <didit/multipart.hpp>
#include <didit/observer.hpp>
#include <didit/session.hpp>
#include <didit/session_admin.hpp>
#include <didit/session_list.hpp>
#include <didit/users.hpp>
#include <didit/webhook.hpp>
