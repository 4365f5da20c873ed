#include "redis_budget.hpp"

#include "fleet_protocol.hpp"
#include "redis_link.hpp"
#include "resilience/local_rate_budget.hpp"
#include "wire/redis_url.hpp"

#include <didit/observer.hpp>

#include <hiredis/hiredis.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <random>

namespace didit::detail {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds longest_reconnect_delay{2'000};

/// Sixteen hex digits that tell this process's requests apart from the rest of the fleet's.
std::string random_nonce() {
    std::random_device source;
    std::uint64_t value = (std::uint64_t{source()} << 32) | source();
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (auto& digit : out) {
        digit = hex[value & 0xf];
        value >>= 4;
    }
    return out;
}

} // namespace

struct redis_budget::core : std::enable_shared_from_this<core> {
    enum class mode { connecting, shared, local };

    core(const fleet_context& context)
        : strand(context.strand), tls(context.tls),
          server(*parse_redis_url(context.cfg.fleet.redis_url)),
          server_name(server.host + ":" + server.port), watcher(context.watcher),
          timeout(context.cfg.fleet.redis_timeout),
          first_reconnect_delay(context.cfg.fleet.reconnect_delay),
          prefix(fleet_key_prefix(context.cfg)), limits(fleet_limits_for(context.cfg.rate_limits)),
          fallback(context.cfg.rate_limits, context.cfg.fleet.fallback_share),
          nonce(random_nonce()), reconnect_timer(strand),
          first_link(strand, clock::now() + context.cfg.fleet.redis_timeout) {}

    asio::any_io_executor strand;
    asio::ssl::context& tls;
    const redis_endpoint server;
    const std::string server_name; ///< "host:port" for events, never the password
    observer* const watcher;
    const milliseconds timeout;
    const milliseconds first_reconnect_delay;
    const std::string prefix;
    /// The limits; their counted_window follows the margin the fallback learns from this
    /// process's round trips (window_from_answers).
    fleet_limits limits;
    local_rate_budget fallback;
    const std::string nonce;
    std::uint64_t requests = 0;
    std::array<unsigned, rate_scope_count> shared_limit{}; ///< last X-RateLimit-Limit sent
    /// Slots the fallback gave out since the budget was last shared, to be counted in Redis
    /// when it is back (the fleet's window must know them).
    std::deque<std::pair<clock::time_point, request_scopes>> unshared;
    std::shared_ptr<redis_link> link;
    mode state = mode::connecting;
    bool stopped = false;
    bool connecting = false; ///< a connect() loop runs
    asio::steady_timer reconnect_timer;
    /// Calls made while the first link is being made wait for it on this timer, which
    /// expires `timeout` after the budget was made and is cancelled once the link is ready or
    /// has failed. Sent on the local share at once, they could overrun the fleet's budget
    /// before they are replayed into Redis.
    asio::steady_timer first_link;

    bool starting() const { return state == mode::connecting; }

    /// How long a slot counts in the fleet's logs: the window and the margin this process's
    /// answers show the network needs (the fallback observes them all).
    void window_from_answers(clock::time_point now) {
        limits.counted_window = std::chrono::ceil<milliseconds>(fallback.counted_window(now));
    }
    bool shared() const { return state == mode::shared && link && link->is_open(); }

    /// The fallback's answer; a slot it gives out is remembered for Redis.
    clock::time_point take_locally(const request_scopes& scopes, clock::time_point now) {
        auto when = *fallback.try_take(scopes, now);
        if (when != now)
            return when;
        while (!unshared.empty() && now - unshared.front().first >= limits.counted_window)
            unshared.pop_front();
        unshared.emplace_back(now, scopes);
        return when;
    }

    /// Counts the unshared slots that are still in the window in Redis's logs. Slots the
    /// fallback gives out meanwhile stay for the next replay; on failure, all do.
    asio::awaitable<error_code> replay(redis_link& link, milliseconds limit) {
        auto now = clock::now();
        auto pending = std::move(unshared);
        unshared.clear();
        std::array<std::vector<milliseconds>, rate_scope_count> ages;
        for (const auto& [when, scopes] : pending) {
            auto age = std::chrono::duration_cast<milliseconds>(now - when);
            if (age >= limits.counted_window)
                continue;
            for (std::size_t i = 0; i < scopes.size; ++i)
                if (limits.per_scope[static_cast<std::size_t>(scopes.scopes[i])] != 0)
                    ages[static_cast<std::size_t>(scopes.scopes[i])].push_back(age);
        }
        for (std::size_t scope = 0; scope < rate_scope_count; ++scope) {
            if (ages[scope].empty())
                continue;
            auto member = nonce + ":replay:" + std::to_string(++requests);
            auto command =
                replay_command(prefix, limits, static_cast<rate_scope>(scope), member, ages[scope]);
            auto [ec, reply] = co_await link.request(command, limit);
            if (!ec && !error_text(*reply).empty())
                ec = error::invalid_response;
            if (ec) { // counted again next time, possibly twice: more, never less
                unshared.insert(unshared.begin(), pending.begin(), pending.end());
                co_return ec;
            }
        }
        co_return error_code{};
    }

    void report(fleet_event::phase what, error_code why) {
        if (watcher != nullptr)
            watcher->on_fleet_budget({what, why, server_name});
    }

    /// One connecting loop at a time: they share the timer.
    void start_connecting(milliseconds first_delay) {
        if (connecting)
            return;
        connecting = true;
        asio::co_spawn(strand, connect(shared_from_this(), first_delay), asio::detached);
    }

    static asio::awaitable<void> connect(std::shared_ptr<core> self, milliseconds delay) {
        co_await self->connect_until_ready(delay);
        self->connecting = false;
    }

    /// Until a link is ready or the budget stops: wait, try, double the wait.
    asio::awaitable<void> connect_until_ready(milliseconds delay) {
        for (;;) {
            if (delay.count() > 0) {
                reconnect_timer.expires_after(delay);
                co_await reconnect_timer.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            if (stopped)
                co_return;
            std::weak_ptr<core> owner = shared_from_this();
            link = std::make_shared<redis_link>(strand, tls, server, [owner](error_code why) {
                if (auto alive = owner.lock())
                    alive->lost(why);
            });
            auto ec = co_await ready(*link);
            if (stopped) {
                link->close();
                co_return;
            }
            if (!ec) {
                state = mode::shared;
                first_link.cancel();
                report(fleet_event::phase::shared, {});
                co_return;
            }
            if (state != mode::local) { // the first attempt failed
                state = mode::local;
                first_link.cancel();
                report(fleet_event::phase::local, ec);
            }
            delay = delay.count() == 0 ? first_reconnect_delay
                                       : std::min(delay * 2, longest_reconnect_delay);
        }
    }

    /// Opens `link` and loads the acquire script, which also shows that the server answers: a
    /// frozen Redis still accepts connections.
    asio::awaitable<error_code> ready(redis_link& link) {
        auto limit = std::max(timeout, milliseconds{1'000});
        if (auto ec = co_await link.open(limit))
            co_return ec;
        auto load = format_command({"SCRIPT", "LOAD", acquire_script().body});
        auto [ec, reply] = co_await link.request(load, limit);
        if (!ec && (reply->type != REDIS_REPLY_STRING ||
                    std::string_view{reply->str, reply->len} != acquire_script().sha1))
            ec = error::invalid_response; // not a Redis that runs our scripts
        if (!ec)
            ec = co_await replay(link, limit);
        if (ec)
            link.close();
        co_return ec;
    }

    /// The link failed: go by the local share and reconnect.
    void lost(error_code why) {
        if (stopped || state == mode::local || connecting)
            return; // a link that failed while being made ready: connect() goes on
        state = mode::local;
        report(fleet_event::phase::local, why);
        start_connecting(first_reconnect_delay);
    }

    void stop() {
        stopped = true;
        reconnect_timer.cancel();
        first_link.cancel();
        if (link)
            link->close();
    }
};

redis_budget::redis_budget(const fleet_context& context) : core_(std::make_shared<core>(context)) {
    core_->start_connecting(milliseconds{0});
}

// The client's state goes away on its strand (in the last operation, or in the cleanup the
// client's destructor posts there), or while its io_context is destroyed: stopping at once is
// safe, and a post could outlive the io_context.
redis_budget::~redis_budget() {
    core_->stop();
}

std::optional<clock::time_point> redis_budget::try_take(const request_scopes& scopes,
                                                        clock::time_point now) {
    if (core_->shared() || core_->starting())
        return std::nullopt; // Redis decides, or the first link is about to
    return core_->take_locally(scopes, now);
}

asio::awaitable<clock::time_point> redis_budget::take(request_scopes scopes,
                                                      clock::time_point now) {
    auto self = core_;
    auto at = now; // when the slot is taken: later than `now` after waiting for the first link
    if (self->starting()) {
        co_await self->first_link.async_wait(asio::as_tuple(asio::use_awaitable));
        at = clock::now();
    }
    // The caller sends at once when told `now`.
    auto caller_time = [&](clock::time_point when) { return when == at ? now : when; };
    if (!self->shared())
        co_return caller_time(self->take_locally(scopes, at));
    auto member = self->nonce + ":" + std::to_string(++self->requests);
    auto link = self->link;
    self->window_from_answers(at);
    auto [ec, reply] = co_await link->request(
        acquire_command(self->prefix, self->limits, scopes, member, false), self->timeout);
    if (!ec && is_noscript(*reply)) // Redis restarted or flushed its scripts: send the body
        std::tie(ec, reply) = co_await link->request(
            acquire_command(self->prefix, self->limits, scopes, member, true), self->timeout);
    std::optional<milliseconds> wait;
    if (!ec)
        wait = parse_acquire_reply(*reply);
    if (!wait) {
        if (!ec) { // an answer that is not the script's: this is no Redis to rely on
            link->close();
            self->lost(error::invalid_response);
        }
        co_return caller_time(self->take_locally(scopes, at));
    }
    if (wait->count() > 0)
        co_return at + *wait;
    self->fallback.record(scopes, at); // known if the fallback takes over
    co_return now;
}

void redis_budget::observe(const request_scopes& scopes, const rate_feedback& seen,
                           clock::time_point now) {
    core_->fallback.observe(scopes, seen, now);
    auto& last_limit = core_->shared_limit[static_cast<std::size_t>(scopes.primary())];
    if (!core_->shared() || !worth_sharing(seen, last_limit))
        return;
    // Rare (a 429, an exhausted budget, a new limit): the script's body goes along, so that a
    // restarted Redis needs no loading first.
    core_->link->send(observe_command(core_->prefix, core_->limits, scopes, seen, true));
    if (seen.limit && *seen.limit > 0)
        last_limit = *seen.limit;
}

void redis_budget::stop() {
    core_->stop();
}

} // namespace didit::detail
