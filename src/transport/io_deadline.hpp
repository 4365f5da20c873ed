#pragma once
// A time limit on one phase of a connection's I/O: its connect, its TLS handshake, or one
// exchange. When the limit passes, the socket is closed under the operation in progress, which
// then ends with an error; expired() tells that error from any other.
//
// One timer per connection, armed only for a phase that has a limit: a connection without
// limits (the default) never touches the reactor's timer queue, and a limited exchange arms
// the timer once, not once per read and write.

#include "api/clock.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>

namespace didit::detail {

class io_deadline {
public:
    /// `socket` is what an expiry closes; `strand` is where the phases run (and so where the
    /// expiry runs too, never at the same time as the I/O it ends).
    io_deadline(const boost::asio::any_io_executor& io, boost::asio::any_io_executor strand,
                boost::asio::ip::tcp::socket& socket);

    /// A phase with the limit `limit` begins now (zero: none). On the strand.
    void arm(clock::duration limit);
    /// The phase has ended: an expiry already on its way does nothing. On the strand.
    void disarm();
    /// Whether the current (or just ended) phase ran out of time.
    bool expired() const noexcept { return phase_->expired; }

private:
    /// Shared with the timer's pending wait, which may outlive the connection: a wait that
    /// completes after its phase has ended finds another generation and leaves the socket alone
    /// (the connection may be gone by then; a phase in progress keeps it).
    struct phase {
        std::uint64_t generation = 0;
        bool expired = false;
        bool armed = false;
    };

    boost::asio::steady_timer timer_;
    boost::asio::any_io_executor strand_;
    boost::asio::ip::tcp::socket& socket_;
    std::shared_ptr<phase> phase_ = std::make_shared<phase>();
};

} // namespace didit::detail
