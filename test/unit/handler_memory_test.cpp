#include <didit/detail/handler_memory.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <set>

using namespace didit::detail;

namespace {

using small_memory = handler_memory<64, 2>;

bool inside(const small_memory& memory, const void* p) {
    auto begin = reinterpret_cast<std::uintptr_t>(&memory);
    auto at = reinterpret_cast<std::uintptr_t>(p);
    return at >= begin && at < begin + sizeof memory;
}

} // namespace

BOOST_AUTO_TEST_SUITE(handler_memory_blocks)

BOOST_AUTO_TEST_CASE(blocks_are_lent_until_taken_then_the_heap_serves) {
    small_memory memory;
    void* first = memory.allocate(64, alignof(std::max_align_t));
    void* second = memory.allocate(8, 8);
    void* third = memory.allocate(8, 8);
    BOOST_TEST(inside(memory, first));
    BOOST_TEST(inside(memory, second));
    BOOST_TEST(first != second);
    BOOST_TEST(!inside(memory, third)); // both blocks taken
    memory.deallocate(third, 8);
    memory.deallocate(first, alignof(std::max_align_t));
    BOOST_TEST(memory.allocate(16, 8) == first); // given back, lent again
    memory.deallocate(first, 8);
    memory.deallocate(second, 8);
}

BOOST_AUTO_TEST_CASE(what_does_not_fit_comes_from_the_heap) {
    small_memory memory;
    void* large = memory.allocate(65, 8);
    void* overaligned = memory.allocate(16, 2 * alignof(std::max_align_t));
    BOOST_TEST(!inside(memory, large));
    BOOST_TEST(!inside(memory, overaligned));
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(overaligned) % (2 * alignof(std::max_align_t)) ==
               0u);
    memory.deallocate(large, 8);
    memory.deallocate(overaligned, 2 * alignof(std::max_align_t));
}

BOOST_AUTO_TEST_CASE(blocks_suit_any_handler_asio_allocates) {
    small_memory memory;
    handler_allocator<long double, small_memory> allocator{memory};
    long double* p = allocator.allocate(2);
    BOOST_TEST(inside(memory, p));
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % alignof(long double) == 0u);
    handler_allocator<char, small_memory> rebound{allocator};
    BOOST_TEST((rebound == allocator));
    allocator.deallocate(p, 2);
}

BOOST_AUTO_TEST_SUITE_END()
