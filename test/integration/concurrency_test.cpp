#define BOOST_TEST_MODULE concurrency
#include "support.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

using namespace didit_test;

namespace {

/// An io_context run by `count` threads from construction until stop().
class threaded_io {
public:
    explicit threaded_io(int count) : io(count), work_(boost::asio::make_work_guard(io)) {
        for (int t = 0; t < count; ++t)
            threads_.emplace_back([this] { io.run(); });
    }
    threaded_io(const threaded_io&) = delete;
    threaded_io& operator=(const threaded_io&) = delete;
    ~threaded_io() { stop(); }

    void stop() {
        work_.reset();
        io.stop();
        for (auto& t : threads_)
            t.join();
        threads_.clear();
    }

    boost::asio::io_context io;

private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::vector<std::thread> threads_;
};

} // namespace

BOOST_AUTO_TEST_CASE(one_client_driven_by_four_threads) {
    didit::emulator::server emulator;
    threaded_io threads{4};
    auto& io = threads.io;
    auto cfg = emulator.client_config();
    // Connections give their buffers back on the client's strand after every exchange, and
    // the next exchange on another thread allocates them again.
    cfg.idle_buffer_release = std::chrono::milliseconds{0};
    didit::client client{io.get_executor(), cfg};

    constexpr int calls = 400;
    std::latch finished{calls};
    std::atomic<int> succeeded{0};
    // Start the calls from the io threads too, so initiation races with completion.
    for (int i = 0; i < calls; ++i) {
        boost::asio::post(io, [&, i] {
            auto who = vendor(static_cast<std::size_t>(i));
            client.create_session({.callback = callback_url, .vendor_data = who},
                                  [&](didit::error_code ec, didit::session s) {
                                      if (!ec && !s.session_id.empty())
                                          ++succeeded;
                                      finished.count_down();
                                  });
        });
    }
    finished.wait();
    threads.stop();
    BOOST_TEST(succeeded.load() == calls);
    BOOST_TEST(emulator.stats().token_requests == 1u);
    BOOST_TEST(emulator.stats().sessions_created == static_cast<std::uint64_t>(calls));
}

BOOST_AUTO_TEST_CASE(token_expiry_under_multithreaded_load) {
    didit::emulator::server emulator;
    threaded_io threads{2};
    auto& io = threads.io;
    didit::client client{io.get_executor(), emulator.client_config()};

    auto run_batch = [&](int count) {
        std::latch finished{count};
        std::atomic<int> succeeded{0};
        for (int i = 0; i < count; ++i)
            client.create_session({.callback = callback_url},
                                  [&](didit::error_code ec, didit::session) {
                                      succeeded += ec ? 0 : 1;
                                      finished.count_down();
                                  });
        finished.wait();
        return succeeded.load();
    };
    BOOST_TEST(run_batch(50) == 50);
    emulator.expire_tokens();
    BOOST_TEST(run_batch(300) == 300);
    threads.stop();
    BOOST_TEST(emulator.stats().token_requests == 2u);
}

BOOST_AUTO_TEST_CASE(retries_and_cancel_under_four_threads) {
    using fault = didit::emulator::fault;
    didit::emulator::server emulator;
    threaded_io threads{4};
    auto& io = threads.io;
    didit::client client{io.get_executor(), as_v3(emulator.client_config())};

    // v3 creates with vendor_data heal from refusals and from ambiguous failures alike.
    emulator.inject({.what = fault::kind::respond, .times = 20, .status = 503});
    emulator.inject({.what = fault::kind::drop_after_processing, .times = 10});
    constexpr int calls = 200;
    std::latch healed{calls};
    std::atomic<int> succeeded{0};
    for (int i = 0; i < calls; ++i) {
        auto who = vendor(static_cast<std::size_t>(i));
        client.create_workflow_session(
            {.workflow_id = "11111111-2222-3333-4444-555555555555", .vendor_data = who},
            [&](didit::error_code ec, didit::session) {
                succeeded += ec ? 0 : 1;
                healed.count_down();
            });
    }
    healed.wait();
    BOOST_TEST(succeeded.load() == calls);
    BOOST_TEST(emulator.stats().sessions_created == static_cast<std::uint64_t>(calls));

    // cancel() from another thread ends every call exactly once.
    emulator.inject({.what = fault::kind::delay, .times = 16, .delay = std::chrono::seconds{10}});
    std::latch cancelled{calls};
    std::vector<std::atomic<int>> completions(calls);
    for (int i = 0; i < calls; ++i) {
        auto who = vendor(static_cast<std::size_t>(calls + i));
        client.create_workflow_session(
            {.workflow_id = "11111111-2222-3333-4444-555555555555", .vendor_data = who},
            [&, i](didit::error_code, didit::session) {
                ++completions[static_cast<std::size_t>(i)];
                cancelled.count_down();
            });
    }
    client.cancel();
    cancelled.wait();
    for (const auto& count : completions)
        BOOST_TEST(count.load() == 1);
    threads.stop();
}

BOOST_AUTO_TEST_CASE(a_blocked_completion_handler_holds_up_no_other_call) {
    // Completions leave the client's strand before they run: a handler that blocks its thread
    // must not keep the client from completing other calls on the io_context's other thread.
    // Were the handler run inside the strand, the second call could not even start.
    didit::emulator::server emulator;
    threaded_io threads{2};
    auto& io = threads.io;
    didit::client client{io.get_executor(), emulator.client_config()};

    std::promise<void> second_done;
    std::latch finished{2};
    bool second_completed_while_first_blocked = false;
    client.create_session({.callback = callback_url}, [&](didit::error_code ec, didit::session) {
        BOOST_TEST(!ec);
        client.create_session({.callback = callback_url},
                              [&](didit::error_code ec2, didit::session) {
                                  BOOST_TEST(!ec2);
                                  second_done.set_value();
                                  finished.count_down();
                              });
        // Blocks this thread until the second call has completed on the other one.
        second_completed_while_first_blocked =
            second_done.get_future().wait_for(std::chrono::seconds{10}) ==
            std::future_status::ready;
        finished.count_down();
    });
    finished.wait();
    BOOST_TEST(second_completed_while_first_blocked);
    threads.stop();
}

BOOST_AUTO_TEST_CASE(a_connection_handshakes_while_the_client_strand_is_busy) {
    // A connection's TLS work runs on its own strand, not the client's: while the client's
    // strand is held (here by an observer that blocks, which observers must never do), a new
    // connection still completes its handshake on the io_context's other thread. Were the
    // handshake's steps run on the client's strand, it could not get past the ClientHello.
    didit::emulator::server emulator;
    struct strand_holder : didit::observer {
        explicit strand_holder(didit::emulator::server& emulator) : emulator(emulator) {}
        void on_call(const didit::call_event& event) override {
            if (event.what != didit::call_event::phase::started || ++started != 4)
                return;
            // The fourth call's start runs on the client's strand after the third call has
            // handed its connect and handshake to a new connection.
            for (int i = 0; i < 1000 && emulator.stats().tls_handshakes < 2; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds{10});
            handshakes_while_held = emulator.stats().tls_handshakes;
        }
        didit::emulator::server& emulator;
        int started = 0; // only on the client's strand
        std::uint64_t handshakes_while_held = 0;
    };
    auto holder = std::make_shared<strand_holder>(emulator);
    auto cfg = as_v3(emulator.client_config());
    cfg.observer = holder;
    threaded_io threads{2};
    didit::client client{threads.io.get_executor(), cfg};

    auto create = [&](std::latch& done, std::atomic<int>& succeeded) {
        client.create_workflow_session({.workflow_id = "11111111-2222-3333-4444-555555555555"},
                                       [&](didit::error_code ec, didit::session) {
                                           succeeded += ec ? 0 : 1;
                                           done.count_down();
                                       });
    };
    std::atomic<int> succeeded{0};
    std::latch first{1};
    create(first, succeeded); // one kept-alive connection; the host name is resolved
    first.wait();
    BOOST_TEST(emulator.stats().tls_handshakes == 1u);

    // The next create is answered after 2 s, so its connection is still busy when the one
    // after it starts, however slowly this thread gets to start it.
    emulator.inject(
        {.what = didit::emulator::fault::kind::delay, .delay = std::chrono::seconds{2}});
    std::latch rest{3};
    create(rest, succeeded); // takes the idle connection
    create(rest, succeeded); // opens a second one
    create(rest, succeeded); // holds the strand in its start until that one has handshaken
    rest.wait();
    threads.stop();
    BOOST_TEST(holder->handshakes_while_held == 2u);
    BOOST_TEST(succeeded.load() == 4);
}
