#pragma once
// Shared by the integration tests: an emulator, a client configured for it, and helpers that
// run operations to completion on the test's io_context (waiting on events, never sleeping).

#include <didit/didit.hpp>
#include <didit/emulator.hpp>

#include "crypto/hmac.hpp"

#include <openssl/evp.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace didit_test {

namespace asio = boost::asio;

struct outcome {
    didit::error_code ec;
    didit::session session;
    didit::diagnostics diag;
    bool done = false;
};

/// The SHA-256 of `bytes` in lowercase hex, as the emulator reports what it received.
inline std::string sha256_hex(std::string_view bytes) {
    didit::detail::sha256_digest digest{};
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), nullptr, EVP_sha256(), nullptr);
    return didit::detail::to_hex(digest);
}

/// A callback URL and a vendor_data unique to `n`.
inline std::string vendor(std::size_t n) {
    return "user-" + std::to_string(n);
}
inline constexpr std::string_view callback_url = "https://example.com/kyc/done";

/// `cfg` switched to the v3 generation with the emulator's API key.
inline didit::config as_v3(didit::config cfg) {
    cfg.api_key = didit::emulator::options{}.api_key;
    cfg.client_id.clear();
    cfg.client_secret.clear();
    return cfg;
}

struct fixture {
    explicit fixture(didit::emulator::options opts = {},
                     const std::function<void(didit::config&)>& adjust = {})
        : emulator(std::move(opts)), cfg(emulator.client_config()) {
        if (adjust)
            adjust(cfg);
        client.emplace(io.get_executor(), cfg);
    }

    /// Starts a create_session for vendor(n), cancellable through `cancel`; `out` is filled on
    /// completion.
    void start(outcome& out, std::size_t n = 0, boost::asio::cancellation_slot cancel = {}) {
        auto who = vendor(n);
        client->create_session({.callback = callback_url, .vendor_data = who}, out.diag,
                               boost::asio::bind_cancellation_slot(
                                   cancel, [&out](didit::error_code ec, didit::session s) {
                                       out.ec = ec;
                                       out.session = std::move(s);
                                       out.done = true;
                                   }));
    }

    /// Runs the io_context until every outcome is done.
    void run_until_done(const std::vector<outcome>& outs) {
        auto all_done = [&] {
            for (const auto& o : outs)
                if (!o.done)
                    return false;
            return true;
        };
        io.restart();
        while (!all_done())
            BOOST_REQUIRE_MESSAGE(io.run_one() > 0, "the io_context ran out of work");
    }

    outcome create(std::size_t n = 0) {
        std::vector<outcome> outs(1);
        start(outs[0], n);
        run_until_done(outs);
        return outs[0];
    }

    std::vector<outcome> create_concurrently(std::size_t count) {
        std::vector<outcome> outs(count);
        for (std::size_t i = 0; i < count; ++i)
            start(outs[i], i);
        run_until_done(outs);
        return outs;
    }

    didit::emulator::server emulator;
    asio::io_context io;
    didit::config cfg;
    std::optional<didit::client> client;
};

inline std::size_t count_succeeded(const std::vector<outcome>& outs) {
    std::size_t n = 0;
    for (const auto& o : outs)
        n += !o.ec && !o.session.session_id.empty() ? 1 : 0;
    return n;
}

} // namespace didit_test

namespace didit_test {

/// Runs `io` until `ready()` holds, for conditions that change on the emulator's thread.
/// Fails the test after ten seconds.
template <class Predicate> void run_until(boost::asio::io_context& io, Predicate ready) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    io.restart();
    while (!ready()) {
        BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < give_up,
                              "the awaited condition never came true");
        io.run_one_for(std::chrono::milliseconds{5});
        io.restart();
    }
}

} // namespace didit_test
