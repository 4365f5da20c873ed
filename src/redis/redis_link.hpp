#pragma once
// One connection to Redis: TCP or TLS through Asio, the protocol through hiredis (its reply
// reader and command formatter). Requests are pipelined; each waits for its reply at most a
// given time, and a timeout or any failure closes the link, failing every request in flight,
// so that a slow Redis costs each caller one timeout at most. Used only from one strand.

#include "wire/redis_url.hpp"

#include <didit/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

struct redisReader;
struct redisReply;

namespace didit::detail {

/// A reply from hiredis's reader, freed with it.
struct reply_deleter {
    void operator()(redisReply* reply) const noexcept;
};
using redis_reply = std::unique_ptr<redisReply, reply_deleter>;

/// One command in Redis's wire format (hiredis's formatter); empty if it cannot be formatted.
std::string format_command(std::initializer_list<std::string_view> arguments);
std::string format_command(const std::string_view* arguments, std::size_t count);

/// A Redis error reply's text, or "" when `reply` is not an error.
std::string_view error_text(const redisReply& reply);

class redis_link : public std::enable_shared_from_this<redis_link> {
public:
    /// `lost` is called once when the link fails after it was opened (not after close()).
    redis_link(boost::asio::any_io_executor strand, boost::asio::ssl::context& tls,
               const redis_endpoint& server, std::function<void(error_code)> lost);
    redis_link(const redis_link&) = delete;
    redis_link& operator=(const redis_link&) = delete;
    ~redis_link();

    /// Connects (TLS for rediss://), then AUTH and SELECT as the URL says, within `limit`.
    boost::asio::awaitable<error_code> open(std::chrono::milliseconds limit);

    /// Sends `command` (format_command) and waits for its reply at most `limit`.
    boost::asio::awaitable<std::pair<error_code, redis_reply>>
    request(std::string_view command, std::chrono::milliseconds limit);

    /// Sends `command` without waiting for its reply (which is read and dropped).
    void send(std::string_view command);

    bool is_open() const { return state_ == state::open; }

    /// Closes the socket and fails every request in flight with operation_aborted. `lost` is
    /// not called.
    void close();

private:
    enum class state { idle, opening, open, closed };
    struct waiter;

    void enqueue(std::string_view command, waiter* reply_to);
    void start_writing();
    boost::asio::awaitable<void> write_loop(std::shared_ptr<redis_link> self);
    boost::asio::awaitable<void> read_loop(std::shared_ptr<redis_link> self);
    /// Closes with `why`, failing every waiter; reports it to `lost` if the link was open.
    void fail(error_code why);

    boost::asio::any_io_executor strand_;
    boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
    const redis_endpoint server_;
    std::function<void(error_code)> lost_;
    state state_ = state::idle;
    std::unique_ptr<redisReader, void (*)(redisReader*)> reader_;
    std::string queued_;  ///< commands waiting for the writer
    std::string sending_; ///< the writer's current batch
    bool writing_ = false;
    std::deque<waiter*> waiting_; ///< one per command sent, in order; null: reply dropped
};

} // namespace didit::detail
