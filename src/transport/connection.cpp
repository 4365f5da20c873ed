#include "transport/connection.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <cerrno>
#include <sys/socket.h>

namespace didit::detail {

boost::asio::any_io_executor make_strand_over(const boost::asio::any_io_executor& executor) {
    using io_executor = boost::asio::io_context::executor_type;
    if (const auto* io = executor.target<io_executor>())
        return boost::asio::make_strand(*io);
    return boost::asio::make_strand(executor);
}

bool connection::peer_closed_or_spoke() {
    auto& socket = stream.socket();
    if (!socket.is_open() || read_buffer.size() != 0 || stream.has_unread_input())
        return true;
    char byte;
    auto received = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (received >= 0)
        return true; // 0: orderly close; >0: unsolicited bytes
    return errno != EAGAIN && errno != EWOULDBLOCK;
}

void connection::release_buffers() noexcept {
    stream.release_buffers();
    if (read_buffer.size() == 0)
        read_buffer.shrink_to_fit();
    std::string{}.swap(write_buffer);
    response = incoming_response{};
    buffers_released = true;
}

void connection::abort_io() noexcept {
    aborted = true;
    boost::system::error_code ignored;
    stream.socket().close(ignored);
}

void connection::close() noexcept {
    boost::system::error_code ignored;
    stream.socket().shutdown(boost::asio::socket_base::shutdown_both, ignored);
    stream.socket().close(ignored);
}

} // namespace didit::detail
