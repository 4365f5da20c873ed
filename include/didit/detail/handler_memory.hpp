#pragma once
// Memory for one chain of handlers, reused from step to step: a connection's exchanges (the
// post that starts one, then socket operations and their completions onto the connection's
// strand), a call's hops between the client's strand and its connection's, the completion
// posted to its caller (completion.hpp), or the waits of a client's deadline timer.
//
// Asio allocates each handler through its associated allocator, and otherwise from a small
// per-thread cache shared by every kind of handler, which blocks of other sizes keep missing.
// A few blocks serve a whole chain: at most two are held at once (an operation queued on a
// strand and the strand's invoker), and Asio frees each before it calls the handler it held.
// What does not fit, or finds the blocks taken, comes from the heap as usual.
//
// The steps of a chain happen one after the other (through the scheduler's queue), so their
// blocks need no lock. Memory that is taken on one strand and given back on whatever thread
// completes the handler, while the strand may take the next block, keeps its blocks' marks in
// atomics (concurrent_handler_memory). Asio gives a block back before it destroys the handler
// that kept the memory's owner alive, so none outlives its memory.

#include <array>
#include <atomic>
#include <cstddef>
#include <new>
#include <utility>

namespace didit::detail {

namespace handler_memory_detail {

/// Whether a block is taken: a plain flag for memory used by one chain at a time, an atomic
/// one for memory given back from other threads.
inline bool take(bool& taken) noexcept {
    return !std::exchange(taken, true);
}
inline void give_back(bool& taken) noexcept {
    taken = false;
}

inline bool take(std::atomic<bool>& taken) noexcept {
    return !taken.load(std::memory_order_relaxed) &&
           !taken.exchange(true, std::memory_order_acquire);
}
inline void give_back(std::atomic<bool>& taken) noexcept {
    taken.store(false, std::memory_order_release);
}

} // namespace handler_memory_detail

template <std::size_t BlockSize, std::size_t Blocks, class Mark = bool> class handler_memory {
public:
    handler_memory() = default;
    handler_memory(const handler_memory&) = delete;
    handler_memory& operator=(const handler_memory&) = delete;

    void* allocate(std::size_t size, std::size_t alignment) {
        if (size <= BlockSize && alignment <= alignof(std::max_align_t))
            for (auto& block : blocks_)
                if (handler_memory_detail::take(block.taken))
                    return block.bytes;
        if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__)
            return ::operator new(size);
        return ::operator new (size, std::align_val_t{alignment});
    }

    void deallocate(void* pointer, std::size_t alignment) noexcept {
        for (auto& block : blocks_)
            if (pointer == block.bytes) {
                handler_memory_detail::give_back(block.taken);
                return;
            }
        if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__)
            ::operator delete(pointer);
        else
            ::operator delete (pointer, std::align_val_t{alignment});
    }

private:
    struct block {
        alignas(std::max_align_t) unsigned char bytes[BlockSize]; // not zeroed: a call has its own
        Mark taken{false};
    };
    std::array<block, Blocks> blocks_;
};

/// A connection's: room for its largest handler, a socket operation holding the exchange.
using exchange_memory = handler_memory<512, 3>;
/// A call's: room for a hop to a strand carrying the call, or the exchange's outcome.
using call_memory = handler_memory<192, 2>;
/// Taken on one strand, given back on any thread: a timer's waits, whose cancelled ones
/// complete wherever the io_context runs them while the strand arms the next.
template <std::size_t BlockSize, std::size_t Blocks>
using concurrent_handler_memory = handler_memory<BlockSize, Blocks, std::atomic<bool>>;

/// The allocator the handlers of a chain present to Asio.
template <class T, class Memory> class handler_allocator {
public:
    using value_type = T;
    template <class U> struct rebind { using other = handler_allocator<U, Memory>; };

    explicit handler_allocator(Memory& memory) noexcept : memory_(&memory) {}
    template <class U>
    handler_allocator(const handler_allocator<U, Memory>& other) noexcept
        : memory_(other.memory_) {}

    T* allocate(std::size_t n) {
        return static_cast<T*>(memory_->allocate(n * sizeof(T), alignof(T)));
    }
    void deallocate(T* pointer, std::size_t) noexcept { memory_->deallocate(pointer, alignof(T)); }

    template <class U> bool operator==(const handler_allocator<U, Memory>& other) const noexcept {
        return memory_ == other.memory_;
    }

private:
    template <class, class> friend class handler_allocator;
    Memory* memory_;
};

/// `function`, which Asio allocates through `allocator` when it is posted. (Not
/// asio::bind_allocator: its binder makes Asio wrap the function in a work-tracking
/// dispatcher, because it forwards the associated executor too.)
template <class Function, class Allocator> struct allocated_with {
    using allocator_type = Allocator;
    allocator_type get_allocator() const noexcept { return allocator; }
    void operator()() { function(); }

    Function function;
    Allocator allocator;
};

template <class Memory, class Function> auto allocated_in(Memory& memory, Function function) {
    return allocated_with<Function, handler_allocator<void, Memory>>{
        std::move(function), handler_allocator<void, Memory>{memory}};
}

} // namespace didit::detail
