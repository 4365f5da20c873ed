// Heap allocations per create_session once the client is warm, counted by malloc and its
// siblings replaced in this program: operator new and Asio's aligned frames end there. OpenSSL's
// own are counted apart, through the allocator OpenSSL lets a program install before its first
// allocation. Only the thread that runs the client counts (the emulator has its own). Not built
// with the sanitizers, which replace the allocator themselves.
#define BOOST_TEST_MODULE allocations
#include "support.hpp"

#include <openssl/crypto.h>

#include <cstdio>
#include <cstdlib>
#include <malloc.h>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {
thread_local std::size_t heap_allocations __attribute__((tls_model("initial-exec"))) = 0;
thread_local std::size_t openssl_allocations __attribute__((tls_model("initial-exec"))) = 0;

void* openssl_malloc(std::size_t size, const char*, int) {
    ++openssl_allocations;
    return __libc_malloc(size);
}
void* openssl_realloc(void* p, std::size_t size, const char*, int) {
    ++openssl_allocations;
    return __libc_realloc(p, size);
}
void openssl_free(void* p, const char*, int) {
    __libc_free(p);
}

/// OpenSSL takes an allocator only before its first allocation: before every other
/// constructor of this program (the library is linked in statically).
int openssl_counted = 0;
__attribute__((constructor(101))) void count_openssl_apart() {
    openssl_counted = CRYPTO_set_mem_functions(&openssl_malloc, &openssl_realloc, &openssl_free);
}
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
/// returns, on a warm client, one call at a time, as measured on Beast's path (the request's
/// target and body, the operation's state, its coroutine frames beyond the two Asio recycles
/// per thread, Beast's composed operations over the TLS stream, the hops between the client's
/// strand and the connection's, the completion posted to the caller). Not a target: a ceiling,
/// so that a change that makes every call allocate more is seen.
constexpr double allocation_ceiling = 31;

/// OpenSSL's own per exchange (its record layer and the engine Asio drives it through). Not
/// ours to avoid; a ceiling so that the way the client drives OpenSSL cannot add more.
constexpr double openssl_ceiling = 7;

struct per_call {
    double ours = 0;
    double openssl = 0;
};

/// Makes `calls` warm creates one at a time with `create(n, done)` and counts what they
/// allocate, less what copying each returned session allocates (the session's own strings).
template <class Create>
per_call count(didit_test::fixture& f, didit_test::outcome& out, Create create, std::size_t calls) {
    auto one = [&](std::size_t n) {
        out = didit_test::outcome{};
        create(n);
        f.io.restart();
        while (!out.done)
            BOOST_REQUIRE(f.io.run_one() > 0);
        BOOST_REQUIRE_MESSAGE(!out.ec, out.ec.message());
    };
    std::size_t in_results = 0;
    auto heap_before = heap_allocations;
    auto openssl_before = openssl_allocations;
    for (std::size_t n = 0; n < calls; ++n) {
        one(1000 + n);
        auto counted = heap_allocations;
        didit::session copy = out.session;
        in_results += heap_allocations - counted;
    }
    return {double(heap_allocations - heap_before - 2 * in_results) / calls,
            double(openssl_allocations - openssl_before) / calls};
}

/// Warms the client up, then counts two rounds: the second must not allocate more than the
/// first (nothing grows per call), and neither more than the ceilings.
template <class Create>
void check_warm_calls(didit_test::fixture& f, didit_test::outcome& out, Create create) {
    BOOST_REQUIRE_MESSAGE(openssl_counted == 1, "OpenSSL allocated before its allocator was set");
    count(f, out, create, 50); // connection, buffers, caches, the token
    constexpr std::size_t calls = 100;
    auto first = count(f, out, create, calls);
    auto second = count(f, out, create, calls);
    for (auto round : {first, second})
        BOOST_TEST_MESSAGE("per call: " << round.ours << " allocations besides the session's, "
                                        << round.openssl << " by OpenSSL");
    BOOST_TEST(first.ours <= allocation_ceiling);
    BOOST_TEST(first.openssl <= openssl_ceiling);
    BOOST_TEST(second.ours <= first.ours);
    BOOST_TEST(second.openssl <= first.openssl);
}

/// "user-<n>" without the heap: the test's own strings are not the library's.
std::string_view vendor_of(std::size_t n, char (&room)[32]) {
    auto length = std::snprintf(room, sizeof room, "user-%zu", n);
    return {room, static_cast<std::size_t>(length)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(allocations)

BOOST_AUTO_TEST_CASE(a_warm_v3_create_allocates_no_more_than_its_ceiling) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    outcome out;
    char room[32];
    check_warm_calls(f, out, [&](std::size_t n) {
        f.client->create_workflow_session({.workflow_id = "11111111-2222-3333-4444-555555555555",
                                           .vendor_data = vendor_of(n, room),
                                           .callback = callback_url},
                                          out.diag, [&](didit::error_code ec, didit::session s) {
                                              out.ec = ec;
                                              out.session = std::move(s);
                                              out.done = true;
                                          });
    });
}

BOOST_AUTO_TEST_CASE(a_warm_v1_create_session_with_its_token_allocates_no_more_either) {
    fixture f;
    outcome out;
    char room[32];
    check_warm_calls(f, out, [&](std::size_t n) {
        f.client->create_session({.callback = callback_url, .vendor_data = vendor_of(n, room)},
                                 out.diag, [&](didit::error_code ec, didit::session s) {
                                     out.ec = ec;
                                     out.session = std::move(s);
                                     out.done = true;
                                 });
    });
}

BOOST_AUTO_TEST_SUITE_END()
