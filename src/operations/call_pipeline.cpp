#include "operations/call_pipeline.hpp"

#include "credentials/token_source.hpp"
#include "wire/response_mapping.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <optional>

namespace didit::detail {

namespace asio = boost::asio;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {

std::optional<unsigned> header_number(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

/// Until an epoch-seconds X-RateLimit-Reset, from now.
std::optional<clock::duration> until_reset(std::string_view reset) {
    long long epoch = 0;
    auto [end, ec] = std::from_chars(reset.data(), reset.data() + reset.size(), epoch);
    if (reset.empty() || ec != std::errc{} || end != reset.data() + reset.size())
        return std::nullopt;
    auto left =
        std::chrono::sys_seconds{std::chrono::seconds{epoch}} - std::chrono::system_clock::now();
    return duration_cast<clock::duration>(std::max(left, decltype(left){0}));
}

rate_feedback feedback_of(const incoming_response& response) {
    rate_feedback seen;
    seen.throttled = response.status == 429;
    seen.limit = header_number(response.rate_limit);
    seen.remaining = header_number(response.rate_remaining);
    seen.reset_in = until_reset(response.rate_reset);
    if (auto after = parse_retry_after(response.retry_after))
        seen.retry_after = duration_cast<clock::duration>(*after);
    return seen;
}

/// How long the service asked us to stay away: Retry-After on a 429 or 503, else a 429's
/// X-RateLimit-Reset.
std::optional<clock::duration> server_wait(const incoming_response& response) {
    if (response.status != 429 && response.status != 503)
        return std::nullopt;
    if (auto after = parse_retry_after(response.retry_after))
        return duration_cast<clock::duration>(*after);
    if (response.status == 429)
        return until_reset(response.rate_reset);
    return std::nullopt;
}

asio::awaitable<error_code> pause(clock::duration delay) {
    asio::steady_timer timer{co_await asio::this_coro::executor, delay};
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ec;
}

error_code status_error(const call_spec& call, unsigned status) {
    return call.token_endpoint ? error_for_token_status(status) : error_for_api_status(status);
}

/// The call's error once `facts` ended it, with diagnostics that say what arrived.
error_code finish(const call_spec& call, const attempt_facts& facts, attempt_meaning meaning,
                  const incoming_response& response, diagnostics& diag) {
    auto ec = final_error(facts, meaning, call.repeatable, status_error(call, facts.status));
    if (facts.status != 0 && !unreadable_success(facts)) {
        describe_failure(facts.status, response, diag);
        if (call.token_endpoint)
            diag.message =
                "the token endpoint answered HTTP " + std::to_string(facts.status) +
                (facts.status >= 300 && facts.status < 400 ? ": " + redirect_note(response.location)
                                                           : std::string{});
    } else if (unreadable_success(facts)) {
        diag.http_status = static_cast<int>(facts.status);
        if (ec == error::outcome_unknown)
            diag.message = "the service answered HTTP " + std::to_string(facts.status) +
                           " but the body cannot be read, so the request may have taken "
                           "effect: " +
                           diag.message;
    } else if (ec == error::outcome_unknown) {
        diag.message = "the request was sent, then: " + diag.message;
    }
    return ec;
}

/// Marks `conn` as where `op`'s I/O runs (op.in_io), so that stopping the operation aborts
/// it, for as long as an exchange on it may run.
class lending {
public:
    lending(operation_state& op, connection& conn) : op_(op) { op_.in_io = &conn; }
    lending(const lending&) = delete;
    lending& operator=(const lending&) = delete;
    ~lending() { op_.in_io = nullptr; }

private:
    operation_state& op_;
};

/// What an observed call learns for its `finished` event.
struct call_trace {
    bool reused_connection = false;
};

asio::awaitable<error_code> run_call(const call_context& ctx, const call_spec& call,
                                     response_reader& reader, operation_state& op,
                                     call_trace* trace) {
    auto& diag = op.diag;
    const bool budgeted = ctx.budget != nullptr && call.scopes.size != 0;
    const exchange_options options{call.max_response_bytes,
                                   duration_cast<clock::duration>(ctx.policy.attempt_timeout),
                                   budgeted, &reader};
    outgoing_request request = call.request;
    incoming_response response;
    std::shared_ptr<const access_token> token;
    bool token_refreshed = false;
    std::optional<budget_line::place> waiting; // in the budget line of the call's scope
    unsigned failed_attempts = 0;
    unsigned retries = 0;

    for (;;) {
        // 1. Our turn for the rate budget, behind the calls that waited longer.
        if (budgeted && !waiting && ctx.line->busy(call.scopes.primary()))
            waiting.emplace(*ctx.line, call.scopes.primary(), co_await asio::this_coro::executor);
        if (waiting) { // no overtaking the calls that waited longer
            if (auto ec = co_await waiting->first())
                co_return ec;
        }
        // 2. Credentials.
        if (ctx.tokens != nullptr) {
            token = ctx.tokens->usable_now(ctx.owner); // the common case needs no frame
            if (!token) {
                auto got = co_await ctx.tokens->get(ctx.owner, diag);
                if (got.first)
                    co_return got.first;
                token = std::move(got.second);
            }
            request.credentials = token->credentials;
        }

        // 3. A connection, then a slot in the budget (taken when the request can leave at
        //    once, so that the service counts it when we do), then the attempt.
        attempt_facts facts;
        auto conn = ctx.pool.try_acquire();
        if (trace != nullptr)
            trace->reused_connection = conn && conn->established;
        if (!conn || !conn->established) {
            auto checked = co_await ctx.pool.checkout(std::move(conn), op);
            if (checked.failure == asio::error::operation_aborted)
                co_return checked.failure;
            conn = std::move(checked.conn);
            if (trace != nullptr) // a call that waited in line may be handed a kept-alive one
                trace->reused_connection = checked.reused;
            facts.failure = checked.failure;
            facts.permanent = checked.certificate_refused;
        }
        if (conn) {
            if (budgeted) {
                auto now = clock::now();
                auto when = ctx.budget->try_take(call.scopes, now);
                if (!when)
                    when = co_await ctx.budget->take(call.scopes, now);
                if (*when > now) {
                    conn.keep_alive(); // unused: let the next call in line have it
                    if (!waiting)      // first to find the budget full: first in line
                        waiting.emplace(*ctx.line, call.scopes.primary(),
                                        co_await asio::this_coro::executor);
                    auto wait = *when - now;
                    if (wait >= op.time_left(now)) {
                        diag.message = "the rate budget has no room before the request timeout";
                        diag.retry_after = std::chrono::ceil<std::chrono::seconds>(wait);
                        co_return error::rate_limited;
                    }
                    ctx.counters.budget_waits.fetch_add(1, std::memory_order_relaxed);
                    if (ctx.watcher != nullptr)
                        ctx.watcher->on_budget_wait(
                            {call.operation, call.route, duration_cast<milliseconds>(wait)});
                    if (auto ec = co_await pause(wait))
                        co_return ec;
                    continue;
                }
                waiting.reset(); // slot taken: the next in line may try
            }
            ++diag.attempts;
            ctx.counters.attempts.fetch_add(1, std::memory_order_relaxed);
            if (ctx.requests != nullptr)
                ctx.requests->fetch_add(1, std::memory_order_relaxed);
            op.diag.request_sent = true;
            op.in_flight = true;
            exchange_outcome outcome;
            {
                lending lent{op, *conn};
                outcome = co_await exchange(*conn, conn.pool_server().host_header, !conn.reusable(),
                                            request, options, response, op);
            }
            if (outcome.keep_alive)
                conn.keep_alive();
            else
                conn.reset(); // a broken or last exchange leaves the connection unusable
            facts = outcome.facts;
            if (facts.failure == asio::error::operation_aborted)
                co_return facts.failure; // op.in_flight stays set: the effect is unknown
        }

        // 4. What the answer says: the budget learns from it, a refused token is replaced
        //    once, a 2xx the reader took is the result.
        if (facts.status != 0) {
            if (budgeted)
                ctx.budget->observe(call.scopes, feedback_of(response), clock::now());
            if (facts.status == 429)
                ctx.counters.rate_limited_received.fetch_add(1, std::memory_order_relaxed);
            if (facts.status == 401 && ctx.tokens != nullptr && !token_refreshed) {
                // Refused before anything happened: once more with a fresh token.
                ctx.tokens->invalidate(token->generation);
                token_refreshed = true;
                op.in_flight = false;
                continue;
            }
            if (facts.status >= 200 && facts.status < 300 && !facts.unreadable) {
                op.in_flight = false;
                co_return error_code{};
            }
            if (facts.status == 404 && call.absent_means_done && op.ambiguous) {
                op.in_flight = false;
                diag.http_status = 404;
                co_return error_code{}; // an earlier attempt did it
            }
        }

        // 5. Classify, then retry or finish.
        auto meaning = classify_attempt(facts);
        op.in_flight = false;
        if (meaning == attempt_meaning::outcome_unknown)
            op.ambiguous = true;
        bool rate_limited = facts.status == 429;
        if (!rate_limited)
            ++failed_attempts;
        auto now = clock::now();
        auto decision = decide_retry(ctx.policy, {.meaning = meaning,
                                                  .repeatable = call.repeatable,
                                                  .permanent = facts.permanent,
                                                  .rate_limited = rate_limited,
                                                  .failed_attempts = failed_attempts,
                                                  .retries_so_far = retries,
                                                  .server_wait = server_wait(response),
                                                  .time_left = op.time_left(now),
                                                  .jitter = ctx.jitter.next()});
        if (!decision.retry)
            co_return finish(call, facts, meaning, response, diag);

        auto reason = facts.status != 0 && !unreadable_success(facts)
                          ? status_error(call, facts.status)
                          : facts.failure;
        diag.retries.push_back(
            {reason, static_cast<int>(facts.status), duration_cast<milliseconds>(decision.delay)});
        ++retries;
        ctx.counters.retries.fetch_add(1, std::memory_order_relaxed);
        if (ctx.watcher != nullptr)
            ctx.watcher->on_retry({call.operation, call.route, reason,
                                   static_cast<int>(facts.status), diag.attempts,
                                   duration_cast<milliseconds>(decision.delay)});
        response.status = 0;
        if (auto ec = co_await pause(decision.delay))
            co_return ec;
    }
}

asio::awaitable<error_code> observed_call(const call_context& ctx, const call_spec& call,
                                          response_reader& reader, operation_state& op) {
    auto started = clock::now();
    call_event event{.what = call_event::phase::started,
                     .operation = call.operation,
                     .method = call.request.method,
                     .route = call.route};
    ctx.watcher->on_call(event);
    call_trace trace;
    auto ec = co_await run_call(ctx, call, reader, op, &trace);
    event.what = call_event::phase::finished;
    event.http_status = op.diag.http_status;
    event.error = ec;
    event.attempts = op.diag.attempts;
    event.duration = clock::now() - started;
    event.reused_connection = trace.reused_connection;
    ctx.watcher->on_call(event);
    co_return ec;
}

} // namespace

asio::awaitable<error_code> perform_call(const call_context& ctx, const call_spec& call,
                                         response_reader& reader, operation_state& op) {
    // Unobserved calls pay for neither the clock nor a coroutine frame more.
    if (ctx.watcher == nullptr)
        return run_call(ctx, call, reader, op, nullptr);
    return observed_call(ctx, call, reader, op);
}

} // namespace didit::detail
