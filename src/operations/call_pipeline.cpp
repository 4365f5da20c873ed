#include "operations/call_pipeline.hpp"

#include "credentials/token_source.hpp"
#include "transport/connection_work.hpp"
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

/// What a call carries from one attempt to the next.
struct call_progress {
    outgoing_request request;   ///< the call's, with the current token's credentials (v1)
    incoming_response response; ///< what the last attempt was answered
    std::shared_ptr<const access_token> token; ///< v1: the token the last attempt carried
    bool token_refreshed = false;              ///< a 401 already had the token replaced
    clock::time_point slot_taken{};            ///< when the attempt took its budget slot
    unsigned failed_attempts = 0;
    unsigned retries = 0;
};

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

/// Waits `delay`. A stop that came while no wait of this coroutine could hear it (during an
/// exchange on the connection's strand, which does not forward cancellation, that still ended
/// normally) ends the call here instead.
asio::awaitable<error_code> pause(clock::duration delay, const operation_state& op) {
    if (op.stopped)
        co_return asio::error::operation_aborted;
    asio::steady_timer timer{co_await asio::this_coro::executor, delay};
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ec;
}

error_code status_error(const call_spec& call, unsigned status) {
    return call.kind.token_endpoint ? error_for_token_status(status) : error_for_api_status(status);
}

/// The call's error once `facts` ended it, with diagnostics that say what arrived.
error_code finish(const call_spec& call, const attempt_facts& facts, attempt_meaning meaning,
                  const incoming_response& response, diagnostics& diag) {
    auto ec = final_error(facts, meaning, call.repeatable, status_error(call, facts.status));
    if (facts.status != 0 && !unreadable_success(facts)) {
        describe_failure(facts.status, response, diag);
        if (call.kind.token_endpoint)
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

/// What an observed call learns for its `finished` event.
struct call_trace {
    bool reused_connection = false;
};

bool is_budgeted(const call_context& ctx, const call_spec& call) {
    return ctx.budget != nullptr && call.scopes.size != 0;
}

exchange_options attempt_options(const call_context& ctx, const call_spec& call,
                                 response_reader& reader) {
    return {call.max_response_bytes, duration_cast<clock::duration>(ctx.policy.attempt_timeout),
            is_budgeted(ctx, call), &reader};
}

/// Counts an attempt that is about to send its request.
void count_attempt(const call_context& ctx, operation_state& op) {
    ++op.diag.attempts;
    ctx.counters.attempts.fetch_add(1, std::memory_order_relaxed);
    if (ctx.requests != nullptr)
        ctx.requests->fetch_add(1, std::memory_order_relaxed);
    op.diag.request_sent = true;
    op.in_flight = true;
}

/// What an attempt's answer means beyond its facts.
enum class answer_use {
    accepted,  ///< the call succeeded
    ask_again, ///< at once, with a fresh token
    judge,     ///< classify the attempt, then retry or finish
};

/// Takes in an attempt's answer: the budget learns from it, a refused token is replaced once,
/// a 2xx the reader took is the result, and so is a 404 for a delete that an earlier attempt
/// may have done.
answer_use take_answer(const call_context& ctx, const call_spec& call, call_progress& progress,
                       const attempt_facts& facts, operation_state& op) {
    if (facts.status == 0)
        return answer_use::judge;
    if (is_budgeted(ctx, call)) {
        auto now = clock::now();
        auto seen = feedback_of(progress.response);
        seen.round_trip = now - progress.slot_taken;
        ctx.budget->observe(call.scopes, seen, now);
    }
    if (facts.status == 429)
        ctx.counters.rate_limited_received.fetch_add(1, std::memory_order_relaxed);
    if (facts.status == 401 && ctx.tokens != nullptr && !progress.token_refreshed) {
        // Refused before anything happened: once more with a fresh token.
        ctx.tokens->invalidate(progress.token->generation);
        progress.token_refreshed = true;
        op.in_flight = false;
        return answer_use::ask_again;
    }
    if (facts.status >= 200 && facts.status < 300 && !facts.unreadable) {
        op.in_flight = false;
        return answer_use::accepted;
    }
    if (facts.status == 404 && call.kind.absent_means_done && op.ambiguous) {
        op.in_flight = false;
        op.diag.http_status = 404;
        return answer_use::accepted; // an earlier attempt did it
    }
    return answer_use::judge;
}

/// rate_limited, at once, for a call behind `ahead` others whose budget slot would come after
/// its deadline: waiting would only end at the deadline. Success when the slot comes in time,
/// or when the budget cannot tell (a shared one).
error_code no_slot_in_time(const call_context& ctx, const call_spec& call, operation_state& op,
                           std::size_t ahead) {
    auto now = clock::now();
    auto slot = ctx.budget->slot_after(call.scopes, now, ahead);
    if (!slot || *slot - now < op.time_left(now))
        return {};
    op.diag.message = "the rate budget has no room before the request timeout (" +
                      std::to_string(ahead) + " calls ahead in line)";
    op.diag.retry_after = std::chrono::ceil<std::chrono::seconds>(*slot - now);
    return error::rate_limited;
}

asio::awaitable<error_code> run_call(const call_context& ctx, const call_spec& call,
                                     response_reader& reader, operation_state& op,
                                     call_trace* trace) {
    auto& diag = op.diag;
    call_progress progress;
    progress.request = call.request;
    const bool budgeted = is_budgeted(ctx, call);
    const exchange_options options = attempt_options(ctx, call, reader);
    auto& request = progress.request;
    auto& response = progress.response;
    std::optional<budget_line::ticket> on_the_way; // from setting out until the slot is taken
    std::optional<budget_line::place> waiting;     // in the budget line of the call's scope

    for (;;) {
        if (op.stopped) // see pause()
            co_return asio::error::operation_aborted;
        // 1. Setting out for a slot of the rate budget, behind the calls that set out earlier,
        //    unless it would come after the deadline; then our turn in line, if there is one.
        if (budgeted && !on_the_way) {
            auto scope = call.scopes.primary();
            if (auto ec = no_slot_in_time(ctx, call, op, ctx.line->ahead(scope)))
                co_return ec;
            on_the_way.emplace(*ctx.line, scope);
        }
        if (budgeted && !waiting && ctx.line->busy(call.scopes.primary()))
            waiting.emplace(*ctx.line, call.scopes.primary(), co_await asio::this_coro::executor);
        if (waiting) { // no overtaking the calls that waited longer
            if (auto ec = co_await waiting->first())
                co_return ec;
        }
        // 2. Credentials.
        if (ctx.tokens != nullptr) {
            progress.token = ctx.tokens->usable_now(ctx.owner); // mostly needs no wait
            if (!progress.token) {
                ctx.counters.token_waits.fetch_add(1, std::memory_order_relaxed);
                auto got = co_await ctx.tokens->get(ctx.owner, diag);
                if (got.first)
                    co_return got.first;
                progress.token = std::move(got.second);
            }
            request.credentials = progress.token->credentials;
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
            facts.permanent = checked.permanent;
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
                            {call.kind.name, call.route, duration_cast<milliseconds>(wait)});
                    if (auto ec = co_await pause(wait, op))
                        co_return ec;
                    continue;
                }
                waiting.reset(); // slot taken: the next in line may try
                on_the_way.reset();
                progress.slot_taken = now;
            }
            count_attempt(ctx, op);
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

        // 4. What the answer says.
        auto use = take_answer(ctx, call, progress, facts, op);
        if (use == answer_use::accepted)
            co_return error_code{};
        if (use == answer_use::ask_again)
            continue;

        // 5. Classify, then retry or finish.
        auto meaning = classify_attempt(facts);
        op.in_flight = false;
        if (meaning == attempt_meaning::outcome_unknown)
            op.ambiguous = true;
        bool rate_limited = facts.status == 429;
        if (!rate_limited)
            ++progress.failed_attempts;
        auto now = clock::now();
        auto decision = decide_retry(ctx.policy, {.meaning = meaning,
                                                  .repeatable = call.repeatable,
                                                  .permanent = facts.permanent,
                                                  .rate_limited = rate_limited,
                                                  .failed_attempts = progress.failed_attempts,
                                                  .retries_so_far = progress.retries,
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
        ++progress.retries;
        ctx.counters.retries.fetch_add(1, std::memory_order_relaxed);
        if (ctx.watcher != nullptr)
            ctx.watcher->on_retry({call.kind.name, call.route, reason,
                                   static_cast<int>(facts.status), diag.attempts,
                                   duration_cast<milliseconds>(decision.delay)});
        response.status = 0;
        if (auto ec = co_await pause(decision.delay, op))
            co_return ec;
    }
}

asio::awaitable<error_code> observed_call(const call_context& ctx, const call_spec& call,
                                          response_reader& reader, operation_state& op) {
    auto started = clock::now();
    call_event event{.what = call_event::phase::started,
                     .operation = call.kind.name,
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
    if (ctx.watcher == nullptr)
        return run_call(ctx, call, reader, op, nullptr);
    return observed_call(ctx, call, reader, op);
}

} // namespace didit::detail
