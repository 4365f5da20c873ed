// Every public operation is usable with the default token, as_tuple, a callback, deferred and
// use_future, so the API's shape cannot regress silently. The test runs them too.
#define BOOST_TEST_MODULE api shape
#include "support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <type_traits>

using namespace didit_test;
namespace asio = boost::asio;

asio::awaitable<void> every_token(didit::client& client, int& completed) {
    didit::diagnostics diag;
    didit::session a = co_await client.create_session({.callback = callback_url});
    didit::session b = co_await client.create_session({.callback = callback_url}, diag);
    auto [ec, c] = co_await client.create_session({.callback = callback_url},
                                                  asio::as_tuple(asio::use_awaitable));
    static_assert(std::is_same_v<decltype(ec), didit::error_code>);
    static_assert(std::is_same_v<decltype(c), didit::session>);
    auto [ec2, d] = co_await client.create_session({.callback = callback_url}, diag,
                                                   asio::as_tuple(asio::use_awaitable));
    auto deferred = client.create_session({.callback = callback_url}, asio::deferred);
    didit::session e = co_await std::move(deferred)(asio::use_awaitable);
    completed = !a.url.empty() + !b.url.empty() + (!ec && !c.url.empty()) +
                (!ec2 && !d.url.empty()) + !e.url.empty();
}

BOOST_AUTO_TEST_CASE(all_completion_tokens) {
    fixture f;
    int completed = -1;
    asio::co_spawn(f.io, every_token(*f.client, completed), asio::detached);
    while (completed < 0)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST(completed == 5);

    std::vector<outcome> outs(1);
    f.client->create_session({.callback = callback_url}, [&](didit::error_code ec, didit::session) {
        outs[0].ec = ec;
        outs[0].done = true;
    });
    f.run_until_done(outs);
    BOOST_TEST(!outs[0].ec);
    static_assert(std::is_same_v<decltype(f.client->create_session({}, asio::use_future)),
                                 std::future<didit::session>>);
}
