#include "redis_budget.hpp"

#include "fleet_protocol.hpp"
#include "local_rate_budget.hpp"
#include "redis_link.hpp"
#include "redis_url.hpp"

#include <didit/observer.hpp>

#include <hiredis/hiredis.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace didit::detail {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds longest_reconnect_delay{5'000};

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
          nonce(random_nonce()), reconnect_timer(strand) {}

    asio::any_io_executor strand;
    asio::ssl::context& tls;
    const redis_endpoint server;
    const std::string server_name; ///< "host:port" for events, never the password
    observer* const watcher;
    const milliseconds timeout;
    const milliseconds first_reconnect_delay;
    const std::string prefix;
    const fleet_limits limits;
    local_rate_budget fallback;
    const std::string nonce;
    std::uint64_t requests = 0;
    std::array<unsigned, rate_scope_count> shared_limit{}; ///< last X-RateLimit-Limit sent
    std::shared_ptr<redis_link> link;
    mode state = mode::connecting;
    bool stopped = false;
    asio::steady_timer reconnect_timer;

    bool shared() const { return state == mode::shared && link && link->is_open(); }

    void report(fleet_event::phase what, error_code why) {
        if (watcher != nullptr)
            watcher->on_fleet_budget({what, why, server_name});
    }

    void start_connecting(milliseconds first_delay) {
        asio::co_spawn(strand, connect(shared_from_this(), first_delay), asio::detached);
    }

    /// Until a link is open or the budget stops: wait, try, double the wait.
    static asio::awaitable<void> connect(std::shared_ptr<core> self, milliseconds delay) {
        for (;;) {
            if (delay.count() > 0) {
                self->reconnect_timer.expires_after(delay);
                co_await self->reconnect_timer.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            if (self->stopped)
                co_return;
            std::weak_ptr<core> owner = self;
            self->link = std::make_shared<redis_link>(self->strand, self->tls, self->server,
                                                      [owner](error_code why) {
                                                          if (auto alive = owner.lock())
                                                              alive->lost(why);
                                                      });
            auto ec = co_await self->ready(*self->link);
            if (self->stopped) {
                self->link->close();
                co_return;
            }
            if (!ec) {
                self->state = mode::shared;
                self->report(fleet_event::phase::shared, {});
                co_return;
            }
            if (self->state != mode::local) { // the first attempt failed
                self->state = mode::local;
                self->report(fleet_event::phase::local, ec);
            }
            delay = delay.count() == 0 ? self->first_reconnect_delay
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
        if (ec)
            link.close();
        co_return ec;
    }

    /// The link failed: go by the local share and reconnect.
    void lost(error_code why) {
        if (stopped || state == mode::local)
            return;
        state = mode::local;
        report(fleet_event::phase::local, why);
        start_connecting(first_reconnect_delay);
    }

    void stop() {
        stopped = true;
        reconnect_timer.cancel();
        if (link)
            link->close();
    }
};

redis_budget::redis_budget(const fleet_context& context) : core_(std::make_shared<core>(context)) {
    core_->start_connecting(milliseconds{0});
}

redis_budget::~redis_budget() {
    asio::post(core_->strand, [core = core_] { core->stop(); });
}

std::optional<clock::time_point> redis_budget::try_take(const request_scopes& scopes,
                                                        clock::time_point now) {
    if (core_->shared())
        return std::nullopt; // Redis decides
    return core_->fallback.try_take(scopes, now);
}

asio::awaitable<clock::time_point> redis_budget::take(request_scopes scopes,
                                                      clock::time_point now) {
    auto self = core_;
    if (!self->shared())
        co_return *self->fallback.try_take(scopes, now);
    auto member = self->nonce + ":" + std::to_string(++self->requests);
    auto link = self->link;
    auto [ec, reply] = co_await link->request(
        acquire_command(self->prefix, self->limits, scopes, member, false), self->timeout);
    if (!ec && is_noscript(*reply)) // Redis restarted or flushed its scripts: send the body
        std::tie(ec, reply) = co_await link->request(
            acquire_command(self->prefix, self->limits, scopes, member, true), self->timeout);
    std::optional<milliseconds> wait;
    if (!ec)
        wait = parse_acquire_reply(*reply);
    if (!wait) {
        if (!ec) // an answer that is not the script's: this is no Redis to rely on
            link->close(), self->lost(error::invalid_response);
        co_return *self->fallback.try_take(scopes, now);
    }
    if (wait->count() > 0)
        co_return now + *wait;
    self->fallback.record(scopes, now); // known if the fallback takes over
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
