#pragma once
// What a running operation lends a connection's work: where the operation's I/O runs, so that
// stopping the operation can abort it, and the diagnostics that work fills in.

#include <didit/diagnostics.hpp>

#include <atomic>

namespace didit::detail {

struct connection;

struct io_claim {
    diagnostics diag;
    /// The connection the operation has lent its work to, if any (connection_work.hpp).
    /// Stopping the operation aborts that connection's I/O (closing its socket also ends a
    /// step that starts after the stop, which a cancellation slot would miss).
    connection* in_io = nullptr;
    /// The connection whose strand runs the operation's work right now. Set and cleared on
    /// that strand, and read there by the abort a stop sends, which must not touch a
    /// connection whose work has ended (it may be gone by then).
    std::atomic<connection*> io_running{nullptr};
};

} // namespace didit::detail
