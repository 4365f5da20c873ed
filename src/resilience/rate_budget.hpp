#pragma once
// The rate budget a call draws on before each attempt, behind a small interface so that a
// budget shared by several processes can replace the local one without touching the pipeline.
// Used only from the client's strand.

#include "api/clock.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <cstdint>
#include <optional>

namespace didit::detail {

/// Didit's rate-limit scopes (API reference section 5).
enum class rate_scope : std::uint8_t {
    create_session,
    retrieve_decision,
    generate_pdf,
    generic_get,
    generic_write,
};
inline constexpr std::size_t rate_scope_count = 5;

/// The scopes one request counts against: its endpoint's, if any, then the generic one.
struct request_scopes {
    std::array<rate_scope, 2> scopes{};
    std::uint8_t size = 0;

    /// The scope the service's X-RateLimit-* figures are taken to describe: the endpoint's.
    rate_scope primary() const { return scopes[0]; }
};

inline request_scopes scopes_for(std::optional<rate_scope> endpoint, bool read) {
    auto generic = read ? rate_scope::generic_get : rate_scope::generic_write;
    if (endpoint)
        return {{*endpoint, generic}, 2};
    return {{generic, generic}, 1};
}

/// What a response said about the budget, from X-RateLimit-* and Retry-After.
struct rate_feedback {
    std::optional<unsigned> limit{};
    std::optional<unsigned> remaining{};
    std::optional<clock::duration> reset_in{};    ///< until X-RateLimit-Reset, from now
    std::optional<clock::duration> retry_after{}; ///< a 429's Retry-After
    bool throttled = false;                       ///< the response was a 429
    /// From taking the request's slot to its answer's arrival: the service counted the request
    /// somewhere in between.
    std::optional<clock::duration> round_trip{};
};

class rate_budget {
public:
    virtual ~rate_budget() = default;

    /// Without I/O: when every scope has room at `now`, takes a slot in each and returns `now`;
    /// otherwise takes nothing and returns the earliest time worth asking again. nullopt when
    /// the answer needs I/O: then call take().
    virtual std::optional<clock::time_point> try_take(const request_scopes& scopes,
                                                      clock::time_point now) = 0;

    /// Without I/O or taking anything: when a request of `scopes` would have its slot if
    /// `ahead` requests of the same scopes took theirs first, each as soon as it could. So a
    /// call that joins a long line learns at once whether its turn comes before its deadline.
    /// nullopt when the budget cannot tell (a shared budget: other processes take slots too).
    virtual std::optional<clock::time_point>
    slot_after(const request_scopes& /*scopes*/, clock::time_point /*now*/, std::size_t /*ahead*/) {
        return std::nullopt;
    }

    /// As try_take, allowed to do I/O (a shared budget asks its server).
    virtual boost::asio::awaitable<clock::time_point> take(request_scopes scopes,
                                                           clock::time_point now) {
        auto when = try_take(scopes, now);
        co_return when ? *when : now;
    }

    /// Learns from a response to a request of `scopes`.
    virtual void observe(const request_scopes& scopes, const rate_feedback& seen,
                         clock::time_point now) = 0;

    /// The client is going away: stop background work (a shared budget's connection) so that
    /// an io_context with nothing else to do can return. Later calls still get answers.
    virtual void stop() {}
};

} // namespace didit::detail
