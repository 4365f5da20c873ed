#pragma once
// The type-erased completion handler the library's operations receive: the caller's handler
// kept inside this object when it is small (the usual callbacks, use_awaitable and its
// adapters are), so that an operation that holds its completion holds the handler in its own
// allocation; and one post to the handler's own executor when the operation ends, in memory
// the operation lends when the handler brings no allocator of its own.
// (asio::any_completion_handler costs an allocation for the handler and a second one for its
// type-erased executor, and a post and a dispatch to get there.) Not part of the API.

#include <didit/detail/handler_memory.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstddef>
#include <memory>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

namespace didit::detail {

/// An operation's memory for posting its completion: one block, taken when the operation
/// ends and given back before the handler runs. (Asio's per-thread cache of handler memory
/// keeps two blocks, which the hops and socket operations of the call before kept taking.)
using completion_memory = handler_memory<256, 1>;

template <typename Signature> class completion;

template <typename... Args> class completion<void(Args...)> {
public:
    completion() = default;

    template <typename Handler>
    requires(!std::is_same_v<std::remove_cvref_t<Handler>, completion>) completion(
        Handler&& handler) // NOLINT: converts any handler, as any_completion_handler does
    {
        using kept = std::decay_t<Handler>;
        if constexpr (fits_inside<kept>) {
            ::new (static_cast<void*>(storage_)) kept(std::forward<Handler>(handler));
            ops_ = &inline_ops<kept>;
        } else {
            ::new (static_cast<void*>(storage_)) kept*(new kept(std::forward<Handler>(handler)));
            ops_ = &heap_ops<kept>;
        }
    }

    completion(completion&& other) noexcept : ops_(other.ops_) {
        if (ops_ != nullptr)
            ops_->relocate(other.storage_, storage_);
        other.ops_ = nullptr;
    }
    completion& operator=(completion&& other) noexcept {
        if (this != &other) {
            reset();
            ops_ = other.ops_;
            if (ops_ != nullptr)
                ops_->relocate(other.storage_, storage_);
            other.ops_ = nullptr;
        }
        return *this;
    }
    completion(const completion&) = delete;
    completion& operator=(const completion&) = delete;
    ~completion() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }

    /// The handler's cancellation slot; unconnected when it has none.
    boost::asio::cancellation_slot cancellation_slot() const noexcept {
        return ops_->slot(storage_);
    }

    /// Posts the handler to its associated executor (`fallback` when it has none), never
    /// running it inside the caller; there its cancellation slot is cleared and it is called
    /// with `args`, moved from once. `owner` keeps the arguments and `memory` (if not null)
    /// alive until then; the post is made in `memory` unless the handler has an allocator.
    /// Consumes the completion.
    void post(const boost::asio::any_io_executor& fallback, std::shared_ptr<void> owner,
              completion_memory* memory, Args&... args) {
        auto* ops = std::exchange(ops_, nullptr);
        ops->post(storage_, fallback, std::move(owner), memory, std::tuple<Args*...>{&args...});
    }

private:
    static constexpr std::size_t inline_size = 64;

    template <typename Handler>
    static constexpr bool fits_inside = sizeof(Handler) <= inline_size &&
                                        alignof(Handler) <= alignof(std::max_align_t) &&
                                        std::is_nothrow_move_constructible_v<Handler>;

    /// What is done to the kept handler, without knowing its type.
    struct operations {
        void (*relocate)(unsigned char* from, unsigned char* to) noexcept;
        void (*destroy)(unsigned char* at) noexcept;
        boost::asio::cancellation_slot (*slot)(const unsigned char* at) noexcept;
        void (*post)(unsigned char* at, const boost::asio::any_io_executor& fallback,
                     std::shared_ptr<void> owner, completion_memory* memory,
                     std::tuple<Args*...> args);
    };

    /// Takes the handler out (leaving nothing to destroy) and posts it.
    template <typename Handler>
    static void post_handler(Handler handler, const boost::asio::any_io_executor& fallback,
                             std::shared_ptr<void> owner, completion_memory* memory,
                             std::tuple<Args*...> args) {
        auto executor = boost::asio::get_associated_executor(handler, fallback);
        auto call = [handler = std::move(handler), owner = std::move(owner), args]() mutable {
            auto slot = boost::asio::get_associated_cancellation_slot(handler);
            if (slot.is_connected())
                slot.clear();
            std::apply([&](Args*... values) { std::move(handler)(std::move(*values)...); }, args);
        };
        using allocator = boost::asio::associated_allocator_t<Handler>;
        if constexpr (std::is_same_v<allocator, std::allocator<void>>) {
            if (memory != nullptr)
                return post_call(executor, allocated_in(*memory, std::move(call)));
        }
        post_call(executor, std::move(call));
    }

    template <typename Executor, typename Function>
    static void post_call(const Executor& executor, Function&& function) {
        using io_executor = boost::asio::io_context::executor_type;
        if constexpr (std::is_same_v<Executor, boost::asio::any_io_executor>) {
            // Usually an io_context's own executor, type-erased: posting to it directly spares
            // the erased executor's copy and the wrapper it would allocate around `call`.
            if (const auto* io = executor.template target<io_executor>())
                return boost::asio::post(*io, std::forward<Function>(function));
        }
        boost::asio::post(executor, std::forward<Function>(function));
    }

    template <typename Handler> static Handler& inside(unsigned char* at) noexcept {
        return *std::launder(reinterpret_cast<Handler*>(at));
    }
    template <typename Handler> static const Handler& inside(const unsigned char* at) noexcept {
        return *std::launder(reinterpret_cast<const Handler*>(at));
    }

    template <typename Handler>
    static constexpr operations inline_ops{
        [](unsigned char* from, unsigned char* to) noexcept {
            ::new (static_cast<void*>(to)) Handler(std::move(inside<Handler>(from)));
            inside<Handler>(from).~Handler();
        },
        [](unsigned char* at) noexcept { inside<Handler>(at).~Handler(); },
        [](const unsigned char* at) noexcept -> boost::asio::cancellation_slot {
            return boost::asio::get_associated_cancellation_slot(inside<Handler>(at));
        },
        [](unsigned char* at, const boost::asio::any_io_executor& fallback,
           std::shared_ptr<void> owner, completion_memory* memory, std::tuple<Args*...> args) {
            Handler handler(std::move(inside<Handler>(at)));
            inside<Handler>(at).~Handler();
            post_handler(std::move(handler), fallback, std::move(owner), memory, args);
        }};

    template <typename Handler>
    static constexpr operations heap_ops{
        [](unsigned char* from, unsigned char* to) noexcept {
            ::new (static_cast<void*>(to)) Handler*(inside<Handler*>(from));
        },
        [](unsigned char* at) noexcept { delete inside<Handler*>(at); },
        [](const unsigned char* at) noexcept -> boost::asio::cancellation_slot {
            return boost::asio::get_associated_cancellation_slot(*inside<Handler*>(at));
        },
        [](unsigned char* at, const boost::asio::any_io_executor& fallback,
           std::shared_ptr<void> owner, completion_memory* memory, std::tuple<Args*...> args) {
            std::unique_ptr<Handler> kept(inside<Handler*>(at));
            post_handler(std::move(*kept), fallback, std::move(owner), memory, args);
        }};

    void reset() noexcept {
        if (auto* ops = std::exchange(ops_, nullptr))
            ops->destroy(storage_);
    }

    alignas(std::max_align_t) unsigned char storage_[inline_size];
    const operations* ops_ = nullptr;
};

} // namespace didit::detail
