#include "redis_link.hpp"

#include "transport/tls.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include <array>
#include <vector>

namespace didit::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

/// A Redis server answers a handful of bytes per command; a reply still incomplete after this
/// many is a server we cannot trust.
constexpr std::size_t max_unparsed_bytes = 1 << 20;

} // namespace

void reply_deleter::operator()(redisReply* reply) const noexcept {
    freeReplyObject(reply);
}

std::string format_command(const std::string_view* arguments, std::size_t count) {
    std::vector<const char*> starts(count);
    std::vector<std::size_t> lengths(count);
    for (std::size_t i = 0; i < count; ++i) {
        starts[i] = arguments[i].data();
        lengths[i] = arguments[i].size();
    }
    char* formatted = nullptr;
    int length =
        redisFormatCommandArgv(&formatted, static_cast<int>(count), starts.data(), lengths.data());
    if (length < 0)
        return {};
    std::string out{formatted, static_cast<std::size_t>(length)};
    redisFreeCommand(formatted);
    return out;
}

std::string format_command(std::initializer_list<std::string_view> arguments) {
    return format_command(arguments.begin(), arguments.size());
}

std::string_view error_text(const redisReply& reply) {
    if (reply.type != REDIS_REPLY_ERROR || reply.str == nullptr)
        return {};
    return {reply.str, reply.len};
}

struct redis_link::waiter {
    explicit waiter(const asio::any_io_executor& strand)
        : wake(strand, asio::steady_timer::time_point::max()) {}
    asio::steady_timer wake; ///< cancelled when the reply (or a failure) arrives
    error_code ec;
    redis_reply reply;
    bool done = false;
    waiter** slot = nullptr; ///< this waiter's place in waiting_ while not done
};

redis_link::redis_link(asio::any_io_executor strand, asio::ssl::context& tls,
                       const redis_endpoint& server, std::function<void(error_code)> lost)
    : strand_(std::move(strand)), stream_(strand_, tls), server_(server), lost_(std::move(lost)),
      reader_(redisReaderCreate(), &redisReaderFree) {
    if (!reader_)
        throw std::bad_alloc{};
}

redis_link::~redis_link() = default;

asio::awaitable<error_code> redis_link::open(std::chrono::milliseconds limit) {
    auto self = shared_from_this();
    state_ = state::opening;
    auto deadline = std::chrono::steady_clock::now() + limit;
    auto& tcp = beast::get_lowest_layer(stream_);

    asio::ip::tcp::resolver resolver{strand_};
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(server_.host, server_.port, as_tuple(use_awaitable));
    if (resolve_ec) {
        fail(error::connect_failed);
        co_return error::connect_failed;
    }
    tcp.expires_at(deadline);
    auto [connect_ec, endpoint] = co_await tcp.async_connect(endpoints, as_tuple(use_awaitable));
    if (connect_ec) {
        auto why =
            connect_ec == beast::error::timeout ? error::connect_timeout : error::connect_failed;
        fail(why);
        co_return why;
    }
    tcp.socket().set_option(asio::ip::tcp::no_delay{true});
    if (server_.tls) {
        if (auto ec = expect_peer(stream_.native_handle(), server_.host, server_.host_is_ip)) {
            fail(error::tls_failed);
            co_return error::tls_failed;
        }
        auto [handshake_ec] = co_await stream_.async_handshake(asio::ssl::stream_base::client,
                                                               as_tuple(use_awaitable));
        if (handshake_ec) {
            auto why = handshake_ec == beast::error::timeout ? error::handshake_timeout
                                                             : error::tls_failed;
            fail(why);
            co_return why;
        }
    }
    tcp.expires_never(); // from here each request keeps its own time
    asio::co_spawn(strand_, read_loop(self), asio::detached);

    auto left = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
    };
    if (!server_.password.empty()) {
        std::string auth;
        if (server_.user.empty())
            auth = format_command({"AUTH", server_.password});
        else
            auth = format_command({"AUTH", server_.user, server_.password});
        auto [ec, reply] = co_await request(auth, left());
        if (!ec && !error_text(*reply).empty())
            ec = error::unauthorized; // the server's text could echo the user name: not kept
        if (ec) {
            fail(ec);
            co_return ec;
        }
    }
    if (server_.database != 0) {
        auto select = format_command({"SELECT", std::to_string(server_.database)});
        auto [ec, reply] = co_await request(select, left());
        if (!ec && !error_text(*reply).empty())
            ec = error::invalid_request;
        if (ec) {
            fail(ec);
            co_return ec;
        }
    }
    if (state_ != state::opening)
        co_return error::connection_lost;
    state_ = state::open;
    co_return error_code{};
}

asio::awaitable<std::pair<error_code, redis_reply>>
redis_link::request(std::string_view command, std::chrono::milliseconds limit) {
    auto self = shared_from_this();
    if (state_ != state::open && state_ != state::opening)
        co_return std::pair{error_code{error::connection_lost}, redis_reply{}};
    waiter reply_to{strand_};
    reply_to.wake.expires_after(limit);
    enqueue(command, &reply_to);
    co_await reply_to.wake.async_wait(as_tuple(use_awaitable));
    if (!reply_to.done) {
        *reply_to.slot = nullptr; // its reply, if it comes, is dropped
        auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
        if (cancelled != asio::cancellation_type::none)
            co_return std::pair{error_code{asio::error::operation_aborted}, redis_reply{}};
        // A slow Redis: every request behind this one would wait as long. Give the link up.
        fail(asio::error::timed_out);
        co_return std::pair{error_code{asio::error::timed_out}, redis_reply{}};
    }
    co_return std::pair{reply_to.ec, std::move(reply_to.reply)};
}

void redis_link::send(std::string_view command) {
    if (state_ == state::open)
        enqueue(command, nullptr);
}

void redis_link::enqueue(std::string_view command, waiter* reply_to) {
    queued_.append(command);
    waiting_.push_back(reply_to);
    if (reply_to != nullptr)
        reply_to->slot = &waiting_.back(); // deque: push_back and pop_front keep references
    start_writing();
}

void redis_link::start_writing() {
    if (writing_)
        return;
    writing_ = true;
    asio::co_spawn(strand_, write_loop(shared_from_this()), asio::detached);
}

asio::awaitable<void> redis_link::write_loop(std::shared_ptr<redis_link> /*kept alive*/) {
    while (!queued_.empty() && (state_ == state::open || state_ == state::opening)) {
        sending_.swap(queued_);
        queued_.clear();
        error_code ec;
        if (server_.tls)
            std::tie(ec, std::ignore) = co_await asio::async_write(stream_, asio::buffer(sending_),
                                                                   as_tuple(use_awaitable));
        else
            std::tie(ec, std::ignore) = co_await asio::async_write(
                stream_.next_layer(), asio::buffer(sending_), as_tuple(use_awaitable));
        sending_.clear();
        if (ec) {
            writing_ = false;
            fail(error::connection_lost);
            co_return;
        }
    }
    writing_ = false;
}

asio::awaitable<void> redis_link::read_loop(std::shared_ptr<redis_link> /*kept alive*/) {
    std::array<char, 4096> buffer;
    for (;;) {
        error_code ec;
        std::size_t got = 0;
        if (server_.tls)
            std::tie(ec, got) =
                co_await stream_.async_read_some(asio::buffer(buffer), as_tuple(use_awaitable));
        else
            std::tie(ec, got) = co_await stream_.next_layer().async_read_some(
                asio::buffer(buffer), as_tuple(use_awaitable));
        if (state_ == state::closed)
            co_return;
        if (ec) {
            fail(error::connection_lost);
            co_return;
        }
        if (redisReaderFeed(reader_.get(), buffer.data(), got) != REDIS_OK) {
            fail(error::invalid_response);
            co_return;
        }
        for (;;) {
            void* raw = nullptr;
            if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
                fail(error::invalid_response);
                co_return;
            }
            if (raw == nullptr)
                break;
            redis_reply reply{static_cast<redisReply*>(raw)};
            if (waiting_.empty()) { // a reply nobody asked for
                fail(error::invalid_response);
                co_return;
            }
            waiter* reply_to = waiting_.front();
            waiting_.pop_front();
            if (reply_to != nullptr) {
                reply_to->reply = std::move(reply);
                reply_to->done = true;
                reply_to->wake.cancel();
            }
        }
        if (reader_->len - reader_->pos > max_unparsed_bytes) {
            fail(error::response_too_large);
            co_return;
        }
    }
}

void redis_link::close() {
    lost_ = nullptr;
    fail(asio::error::operation_aborted);
}

void redis_link::fail(error_code why) {
    if (state_ == state::closed)
        return;
    bool was_open = state_ == state::open;
    state_ = state::closed;
    beast::get_lowest_layer(stream_).close();
    for (auto* reply_to : waiting_) {
        if (reply_to == nullptr)
            continue;
        reply_to->ec = why;
        reply_to->done = true;
        reply_to->wake.cancel();
    }
    waiting_.clear();
    queued_.clear();
    if (was_open && lost_) {
        auto lost = std::move(lost_);
        lost(why);
    }
}

} // namespace didit::detail
