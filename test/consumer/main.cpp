// A consumer as the README shows one: configured from DIDIT_* variables, creates one session
// and prints where to send the person. Built four ways by test/consumer/run.sh.
#include <didit/didit.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

int main() {
    boost::asio::io_context io;
    didit::client client{io.get_executor(), didit::config::from_env()};
    int status = 1;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            didit::session s = co_await client.create_session(
                {.callback = "https://example.com/kyc/done", .vendor_data = "consumer"});
            std::cout << s.url << "\n";
            status = 0;
        },
        [](std::exception_ptr e) {
            if (e)
                std::rethrow_exception(e);
        });
    io.run(); // returns once the work is done: the client keeps nothing pending while idle
    return status;
}
