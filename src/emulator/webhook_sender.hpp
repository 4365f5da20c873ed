#pragma once
// Delivers the emulator's webhooks over HTTP, as the service does: one POST per status change,
// retried on 5xx, 404 or a failed connection, deliveries of one session in order.

#include "webhook_payload.hpp"

#include <didit/emulator.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

namespace didit::emulator::detail {

class webhook_sender {
public:
    explicit webhook_sender(boost::asio::io_context& io) : io_(io) {}

    // Both on the emulator's thread.
    void configure(webhook_settings settings) { settings_ = std::move(settings); }
    void send(signed_delivery delivery);

    const webhook_settings& settings() const { return settings_; }

    std::atomic<std::uint64_t> attempts{0};
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> abandoned{0};

private:
    boost::asio::awaitable<void> drain(std::string session_id);
    /// One POST; the HTTP status, or 0 when no answer came.
    boost::asio::awaitable<unsigned> post(const signed_delivery& delivery);

    boost::asio::io_context& io_;
    webhook_settings settings_;
    /// Per session, deliveries not yet done; a queue exists while its drain() runs.
    std::unordered_map<std::string, std::deque<signed_delivery>> queues_;
};

} // namespace didit::emulator::detail
