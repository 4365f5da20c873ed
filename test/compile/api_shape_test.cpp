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

asio::awaitable<void> management_ops(didit::client& client, const std::string& id, int& completed) {
    didit::diagnostics diag;
    co_await client.update_status({.session_id = id, .new_status = didit::review_status::approved});
    auto [ec] = co_await client.update_status(
        {.session_id = id, .new_status = didit::review_status::declined}, diag,
        asio::as_tuple(asio::use_awaitable));
    static_assert(std::is_same_v<decltype(ec), didit::error_code>);
    didit::pdf_document pdf = co_await client.generate_pdf(id);
    auto [pdf_ec, pdf2] = co_await client.generate_pdf(id, asio::as_tuple(asio::use_awaitable));
    co_await client.delete_session(id, diag);
    auto [batch_ec] =
        co_await client.delete_sessions({.delete_all = true}, asio::as_tuple(asio::use_awaitable));
    completed = !ec + !pdf.content.empty() + (!pdf_ec && !pdf2.content.empty()) +
                (batch_ec == didit::error::unsupported_operation);
}

BOOST_AUTO_TEST_CASE(management_operations_with_every_token_shape) {
    fixture f;
    auto created = f.create();
    BOOST_REQUIRE(!created.ec);
    BOOST_REQUIRE(f.emulator.finish_session(created.session.session_id, "In Review"));
    int completed = -1;
    f.io.restart(); // the create above left it with no work, as a program's would be
    asio::co_spawn(f.io, management_ops(*f.client, created.session.session_id, completed),
                   [](std::exception_ptr e) {
                       if (e)
                           std::rethrow_exception(e);
                   });
    while (completed < 0)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST(completed == 4);
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

asio::awaitable<void> reading_ops(didit::client& client, const std::string& id, int& completed) {
    didit::diagnostics diag;
    didit::decision d = co_await client.retrieve_decision(id);
    auto [ec, d2] =
        co_await client.retrieve_decision(id, diag, asio::as_tuple(asio::use_awaitable));
    static_assert(std::is_same_v<decltype(d2), didit::decision>);
    auto deferred = client.retrieve_decision(id, asio::deferred);
    didit::decision d3 = co_await std::move(deferred)(asio::use_awaitable);
    co_await client.check_credentials();
    auto [cred_ec] = co_await client.check_credentials(diag, asio::as_tuple(asio::use_awaitable));
    // Listing is v3: on this v1 client the same shapes complete with unsupported_operation.
    auto [list_ec, page] =
        co_await client.list_sessions({.limit = 10}, asio::as_tuple(asio::use_awaitable));
    static_assert(std::is_same_v<decltype(page), didit::session_page>);
    didit::session_pager pages = client.sessions({});
    auto [next_ec, next] = co_await pages.next(diag, asio::as_tuple(asio::use_awaitable));
    completed = (d.session_id == id) + (!ec && d2.session_id == id) + (d3.session_id == id) +
                !cred_ec + (list_ec == didit::error::unsupported_operation) +
                (next_ec == didit::error::unsupported_operation);
}

BOOST_AUTO_TEST_CASE(reading_operations_with_every_token_shape) {
    fixture f;
    auto created = f.create();
    BOOST_REQUIRE(!created.ec);
    int completed = -1;
    f.io.restart(); // the create above left it with no work, as a program's would be
    asio::co_spawn(f.io, reading_ops(*f.client, created.session.session_id, completed),
                   [](std::exception_ptr e) {
                       if (e)
                           std::rethrow_exception(e);
                   });
    while (completed < 0)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST(completed == 6);
    static_assert(std::is_same_v<decltype(f.client->retrieve_decision("x", asio::use_future)),
                                 std::future<didit::decision>>);
    static_assert(
        std::is_same_v<decltype(f.client->check_credentials(asio::use_future)), std::future<void>>);
}

// The standalone checks and forms, with braced requests inside co_await: the shape GCC 12
// miscompiles when a temporary holds short std::strings (the requests hold views).
asio::awaitable<void> check_ops(didit::client& client, int& completed) {
    didit::diagnostics diag;
    didit::check_result a =
        co_await client.check(didit::email_send_request{.email = "ana@example.com"});
    auto [ec, b] = co_await client.check(
        didit::face_match_request{.user_image = didit::upload::from_memory("JPEG", "u.jpg"),
                                  .ref_image = didit::upload::from_memory("JPEG", "r.jpg")},
        diag, asio::as_tuple(asio::use_awaitable));
    static_assert(std::is_same_v<decltype(b), didit::check_result>);
    auto deferred = client.check(didit::aml_request{.full_name = "Ana Garcia"}, asio::deferred);
    didit::check_result c = co_await std::move(deferred)(asio::use_awaitable);
    didit::multipart_form form;
    form.field("vendor_data", "v-1")
        .file("user_image", didit::upload::from_memory("JPEG", "u.jpg"));
    didit::api_response d = co_await client.call("POST", "/v3/passive-liveness/", form);
    auto [form_ec, e] = co_await client.call("POST", "/v3/passive-liveness/", form, diag,
                                             asio::as_tuple(asio::use_awaitable));
    completed = (a.status == didit::check_status::success) +
                (!ec && b.status == didit::check_status::approved) +
                (c.status == didit::check_status::approved) + (d.status == 200) +
                (!form_ec && e.status == 200);
}

BOOST_AUTO_TEST_CASE(checks_and_forms_with_every_token_shape) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    int completed = -1;
    asio::co_spawn(f.io, check_ops(*f.client, completed), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
    while (completed < 0)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST(completed == 5);
    static_assert(std::is_same_v<decltype(f.client->check(didit::aml_request{.full_name = "x"},
                                                          asio::use_future)),
                                 std::future<didit::check_result>>);
}
