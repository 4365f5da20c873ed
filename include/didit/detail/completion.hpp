#pragma once
// The type-erased completion handler the library's operations receive: one allocation holding
// the caller's handler, and one post to the handler's own executor when the operation ends.
// (asio::any_completion_handler costs a second allocation, for its type-erased executor, and
// a post and a dispatch to get there.) Not part of the API.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace didit::detail {

template <typename Signature> class completion;

template <typename... Args> class completion<void(Args...)> {
public:
    completion() = default;

    template <typename Handler>
    requires(!std::is_same_v<std::remove_cvref_t<Handler>, completion>) completion(
        Handler&& handler) // NOLINT: converts any handler, as any_completion_handler does
        : target_(std::make_unique<holder<std::decay_t<Handler>>>(std::forward<Handler>(handler))) {
    }

    completion(completion&&) noexcept = default;
    completion& operator=(completion&&) noexcept = default;

    explicit operator bool() const noexcept { return target_ != nullptr; }

    /// The handler's cancellation slot; unconnected when it has none.
    boost::asio::cancellation_slot cancellation_slot() const noexcept { return target_->slot(); }

    /// Posts the handler to its associated executor (`fallback` when it has none), never
    /// running it inside the caller; there its cancellation slot is cleared and it is called
    /// with `args`, moved from once. `owner` keeps the arguments alive until then. Consumes
    /// the completion.
    void post(const boost::asio::any_io_executor& fallback, std::shared_ptr<void> owner,
              Args&... args) {
        auto target = std::move(target_);
        target->post(fallback, std::move(owner), std::tuple<Args*...>{&args...});
    }

private:
    struct base {
        virtual ~base() = default;
        virtual boost::asio::cancellation_slot slot() const noexcept = 0;
        virtual void post(const boost::asio::any_io_executor& fallback, std::shared_ptr<void> owner,
                          std::tuple<Args*...> args) = 0;
    };

    template <typename Handler> struct holder final : base {
        explicit holder(Handler h) : handler(std::move(h)) {}

        boost::asio::cancellation_slot slot() const noexcept override {
            return boost::asio::get_associated_cancellation_slot(handler);
        }

        void post(const boost::asio::any_io_executor& fallback, std::shared_ptr<void> owner,
                  std::tuple<Args*...> args) override {
            auto executor = boost::asio::get_associated_executor(handler, fallback);
            boost::asio::post(
                executor, [handler = std::move(handler), owner = std::move(owner), args]() mutable {
                    auto slot = boost::asio::get_associated_cancellation_slot(handler);
                    if (slot.is_connected())
                        slot.clear();
                    std::apply([&](Args*... values) { std::move(handler)(std::move(*values)...); },
                               args);
                });
        }

        Handler handler;
    };

    std::unique_ptr<base> target_;
};

} // namespace didit::detail
