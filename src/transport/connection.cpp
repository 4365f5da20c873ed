#include "transport/connection.hpp"

#include <openssl/ssl.h>

#include <cerrno>
#include <sys/socket.h>

namespace didit::detail {

void connection::limit_phase(clock::duration limit) {
    if (limit.count() > 0)
        tcp().expires_after(limit);
    else
        tcp().expires_never();
}

bool connection::peer_closed_or_spoke() {
    auto& socket = tcp().socket();
    if (!socket.is_open() || read_buffer.size() != 0 || SSL_has_pending(stream.native_handle()))
        return true;
    char byte;
    auto received = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (received == 0)
        return true; // orderly close
    if (received > 0)
        return exchanged; // unsolicited bytes, unless the session tickets of a new connection
    return errno != EAGAIN && errno != EWOULDBLOCK;
}

void connection::release_buffers() noexcept {
    SSL_free_buffers(stream.native_handle()); // refused, harmlessly, while a record is pending
    if (read_buffer.size() == 0)
        read_buffer.shrink_to_fit();
    std::string{}.swap(write_buffer);
    buffers_released = true;
}

void connection::abort_io() noexcept {
    aborted = true;
    tcp().close();
}

void connection::close() noexcept {
    boost::system::error_code ignored;
    tcp().socket().shutdown(boost::asio::socket_base::shutdown_both, ignored);
    tcp().close();
}

} // namespace didit::detail
