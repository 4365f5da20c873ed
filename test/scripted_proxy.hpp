#pragma once
// A forward proxy that answers every CONNECT with a scripted reply, for the answers a real
// proxy rarely gives (HTTP/1.0, refusals, bytes after the answer, not HTTP at all). After a
// reply that starts with "HTTP/1.x 2", it relays the tunnel to the emulator. On its own thread.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace didit_test {

class scripted_proxy {
public:
    /// Answers with `reply` (sent as is), relaying to 127.0.0.1:`target_port` after a 2xx.
    scripted_proxy(std::string reply, unsigned short target_port)
        : reply_(std::move(reply)), target_port_(target_port) {
        boost::asio::co_spawn(io_, accept(), boost::asio::detached);
        thread_ = std::thread{[this] { io_.run(); }};
    }
    ~scripted_proxy() {
        io_.stop();
        thread_.join();
    }

    std::string url() const {
        return "http://tester:pass-word@127.0.0.1:" + std::to_string(port());
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    /// The heads of the CONNECT requests received so far.
    std::vector<std::string> requests() const {
        std::lock_guard lock{mutex_};
        return requests_;
    }

private:
    using tcp = boost::asio::ip::tcp;

    boost::asio::awaitable<void> accept() {
        for (;;) {
            auto socket = co_await acceptor_.async_accept(boost::asio::use_awaitable);
            boost::asio::co_spawn(io_, serve(std::move(socket)), boost::asio::detached);
        }
    }

    boost::asio::awaitable<void> serve(tcp::socket client) {
        namespace asio = boost::asio;
        std::string head;
        auto size = co_await asio::async_read_until(client, asio::dynamic_buffer(head), "\r\n\r\n",
                                                    asio::use_awaitable);
        head.resize(size); // a client sends nothing more before the answer
        {
            std::lock_guard lock{mutex_};
            requests_.push_back(head);
        }
        co_await asio::async_write(client, asio::buffer(reply_), asio::use_awaitable);
        if (reply_.rfind("HTTP/1.0 2", 0) != 0 && reply_.rfind("HTTP/1.1 2", 0) != 0)
            co_return; // the client closes
        auto server = std::make_shared<tcp::socket>(io_);
        co_await server->async_connect({asio::ip::make_address("127.0.0.1"), target_port_},
                                       asio::use_awaitable);
        auto shared_client = std::make_shared<tcp::socket>(std::move(client));
        asio::co_spawn(io_, relay(shared_client, server), asio::detached);
        asio::co_spawn(io_, relay(server, shared_client), asio::detached);
    }

    static boost::asio::awaitable<void> relay(std::shared_ptr<tcp::socket> from,
                                              std::shared_ptr<tcp::socket> to) {
        namespace asio = boost::asio;
        char data[16384];
        try {
            for (;;) {
                auto n = co_await from->async_read_some(asio::buffer(data), asio::use_awaitable);
                co_await asio::async_write(*to, asio::buffer(data, n), asio::use_awaitable);
            }
        } catch (const boost::system::system_error&) {
            boost::system::error_code ignored;
            to->shutdown(tcp::socket::shutdown_send, ignored);
        }
    }

    std::string reply_;
    unsigned short target_port_;
    boost::asio::io_context io_;
    tcp::acceptor acceptor_{io_, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

} // namespace didit_test
