// Heap allocations per create_session once the client is warm, counted by malloc and its
// siblings replaced in this program: operator new, Asio's aligned frames and OpenSSL's
// buffers all end there. Only the thread that runs the client counts (the emulator has its
// own). Not built with the sanitizers, which replace the allocator themselves.
#define BOOST_TEST_MODULE allocations
#include "support.hpp"

#include <cstdio>
#include <cstdlib>
#include <malloc.h>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {
thread_local std::size_t heap_allocations __attribute__((tls_model("initial-exec"))) = 0;
} // namespace

extern "C" {
void* malloc(std::size_t size) {
    ++heap_allocations;
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
    ++heap_allocations;
    return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) {
    ++heap_allocations;
    return __libc_realloc(p, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
    ++heap_allocations;
    return __libc_memalign(alignment, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
    ++heap_allocations;
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
    ++heap_allocations;
    *out = __libc_memalign(alignment, size);
    return *out != nullptr || size == 0 ? 0 : ENOMEM;
}
}

using namespace didit_test;

namespace {

/// Heap allocations per call that the library makes besides the strings of the session it
/// returns, on a warm client, one call at a time. Today's count, kept as a ceiling so that
/// the hot path cannot quietly start allocating more; the aim (issue 9) is 2. What makes them
/// up: the operation (its state, call, handler and result slot in one) and the request's
/// body; OpenSSL's four per exchange (its record layer's packet builders); the deadline
/// timer's wait and its cancelled completion, since calls made one at a time arm and cancel
/// it each; and the completion posted to the caller's executor, which misses Asio's
/// per-thread cache. The hops between the strands and the socket operations use memory of the
/// call's and the connection's own.
constexpr double allocation_ceiling = 9;

} // namespace

BOOST_AUTO_TEST_SUITE(allocations)

BOOST_AUTO_TEST_CASE(a_warm_v3_create_allocates_no_more_than_its_ceiling) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    outcome out;
    auto create = [&](std::size_t n) {
        out = outcome{};
        char who[32];
        auto length = std::snprintf(who, sizeof who, "user-%zu", n); // no heap for the test's own
        f.client->create_workflow_session(
            {.workflow_id = "11111111-2222-3333-4444-555555555555",
             .vendor_data = std::string_view{who, static_cast<std::size_t>(length)},
             .callback = callback_url},
            out.diag, [&](didit::error_code ec, didit::session s) {
                out.ec = ec;
                out.session = std::move(s);
                out.done = true;
            });
        f.io.restart();
        while (!out.done)
            BOOST_REQUIRE(f.io.run_one() > 0);
        BOOST_REQUIRE_MESSAGE(!out.ec, out.ec.message());
    };
    for (std::size_t n = 0; n < 50; ++n) // connection, buffers, caches
        create(n);

    // Two rounds: the second must not allocate more than the first (nothing grows per call).
    constexpr std::size_t calls = 100;
    double per_call[2] = {};
    for (double& round : per_call) {
        std::size_t in_results = 0;
        auto before = heap_allocations;
        for (std::size_t n = 0; n < calls; ++n) {
            create(1000 + n);
            auto counted = heap_allocations;
            didit::session copy = out.session; // allocates what the result itself owns
            in_results += heap_allocations - counted;
        }
        round = double(heap_allocations - before - 2 * in_results) / calls;
        BOOST_TEST_MESSAGE("per call: " << round << " allocations besides the "
                                        << double(in_results) / calls << " of the session");
    }
    BOOST_TEST(per_call[0] <= allocation_ceiling);
    BOOST_TEST(per_call[1] <= per_call[0]);
}

BOOST_AUTO_TEST_SUITE_END()
