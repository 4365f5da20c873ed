#include "transport/io_deadline.hpp"

#include "transport/strand_post.hpp"

#include <didit/error.hpp>

#include <utility>

namespace didit::detail {

io_deadline::io_deadline(const boost::asio::any_io_executor& io,
                         boost::asio::any_io_executor strand, boost::asio::ip::tcp::socket& socket)
    : timer_(io), strand_(std::move(strand)), socket_(socket) {}

void io_deadline::arm(clock::duration limit) {
    auto& now = *phase_;
    ++now.generation;
    now.expired = false;
    bool was_armed = std::exchange(now.armed, limit.count() > 0);
    if (!now.armed) {
        if (was_armed) // the last phase's wait, which would keep the io_context busy
            timer_.cancel();
        return;
    }
    timer_.expires_after(limit);
    // Waits under the strand, not on it: a cancelled wait (every phase that ends in time)
    // completes where it is; only an expiry goes to the strand.
    timer_.async_wait([this, phase = phase_, generation = now.generation](error_code ec) {
        if (ec)
            return;
        post_to(strand_, [this, phase = std::move(phase), generation] {
            if (phase->generation != generation)
                return; // its phase is over (and `this` may be gone)
            phase->expired = true;
            error_code ignored;
            socket_.close(ignored); // what is pending completes at once, as aborted
        });
    });
}

void io_deadline::disarm() {
    auto& now = *phase_;
    ++now.generation;
    if (now.armed) {
        now.armed = false;
        timer_.cancel();
    }
}

} // namespace didit::detail
