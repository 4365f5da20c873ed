#define BOOST_TEST_MODULE emulator webhooks
// The emulator's webhooks, received by an HTTP or HTTPS endpoint in the test and checked with
// the library's verifier: shape per generation, all signatures, retries as the service does
// them, certificates checked as the service checks them.

#include "emulator/certificate.hpp"
#include "support.hpp"

#include <didit/webhook.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <deque>
#include <set>

using namespace didit_test;
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

namespace {

constexpr std::string_view secret = "receiver-secret-4b1f";
constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

constexpr auto tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

/// An HTTP endpoint on the test's io_context (HTTPS with `identity`) that keeps every request
/// and answers with the next scripted status (200 when the script is empty).
class receiver {
public:
    explicit receiver(boost::asio::io_context& io,
                      const didit::emulator::detail::certificate* identity = nullptr)
        : acceptor_(io, {tcp::v4(), 0}) {
        if (identity) {
            tls_.emplace(boost::asio::ssl::context::tls_server);
            tls_->use_certificate_chain(boost::asio::buffer(identity->certificate_pem));
            tls_->use_private_key(boost::asio::buffer(identity->private_key_pem),
                                  boost::asio::ssl::context::pem);
        }
        boost::asio::co_spawn(io, accept(), boost::asio::detached);
    }

    std::string url() const {
        return (tls_ ? "https://localhost:" : "http://127.0.0.1:") +
               std::to_string(acceptor_.local_endpoint().port()) + "/webhooks/didit";
    }

    std::vector<http::request<http::string_body>> received;
    std::deque<http::status> script;

private:
    boost::asio::awaitable<void> accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(tuple);
            if (ec)
                co_return;
            if (!tls_) {
                co_await serve(socket);
                continue;
            }
            boost::beast::ssl_stream<tcp::socket> stream{std::move(socket), *tls_};
            auto [handshake_ec] =
                co_await stream.async_handshake(boost::asio::ssl::stream_base::server, tuple);
            if (!handshake_ec)
                co_await serve(stream);
        }
    }

    template <class Stream> boost::asio::awaitable<void> serve(Stream& stream) {
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> request;
        auto [read_ec, n] = co_await http::async_read(stream, buffer, request, tuple);
        if (read_ec)
            co_return;
        auto status = script.empty() ? http::status::ok : script.front();
        if (!script.empty())
            script.pop_front();
        received.push_back(std::move(request));
        http::response<http::string_body> response{status, 11};
        response.keep_alive(false);
        response.prepare_payload();
        co_await http::async_write(stream, response, tuple);
    }

    tcp::acceptor acceptor_;
    std::optional<boost::asio::ssl::context> tls_;
};

didit::webhook_headers headers_of(const http::request<http::string_body>& request) {
    return {request["X-Signature"], request["X-Signature-V2"], request["X-Signature-Simple"],
            request["X-Timestamp"]};
}

/// Verifies a received delivery with only one of its signatures.
didit::webhook_event verified(const http::request<http::string_body>& request,
                              didit::webhook_headers only) {
    didit::diagnostics diag;
    auto event =
        didit::verify_webhook(request.body(), only, secret, std::chrono::system_clock::now(), diag,
                              {.allow_simple = true});
    BOOST_REQUIRE_MESSAGE(event.has_value(), diag.message);
    return *event;
}

didit::emulator::options with_webhooks_to(const receiver& to) {
    didit::emulator::options opts;
    opts.webhooks = {.url = to.url(),
                     .secret = std::string{secret},
                     .retry_delay = std::chrono::milliseconds{1}};
    return opts;
}

} // namespace

BOOST_AUTO_TEST_CASE(v3_deliveries_carry_three_valid_signatures_and_the_decision) {
    boost::asio::io_context io;
    receiver endpoint{io};
    didit::emulator::server emulator{with_webhooks_to(endpoint)};
    auto cfg = emulator.client_config(didit::api_generation::v3);
    didit::client client{io.get_executor(), cfg};
    std::string id;
    client.create_workflow_session(
        {.workflow_id = workflow, .vendor_data = "user-ü", .metadata = R"({"n":1.5})"},
        [&](didit::error_code ec, didit::session s) {
            BOOST_TEST(!ec);
            id = s.session_id;
        });
    run_until(io, [&] { return !id.empty() && endpoint.received.size() == 1; });
    BOOST_REQUIRE(emulator.finish_session(id, "Approved"));
    run_until(io, [&] { return endpoint.received.size() == 2; });

    std::set<std::string> event_ids;
    for (const auto& request : endpoint.received) {
        auto all = headers_of(request);
        BOOST_TEST(request.target() == "/webhooks/didit");
        BOOST_TEST(request[http::field::user_agent].starts_with("DiditWebhook/"));
        auto raw = verified(request, {.signature = all.signature});
        auto v2 = verified(request, {.signature_v2 = all.signature_v2});
        auto simple = verified(request, {.signature_simple = all.signature_simple});
        BOOST_TEST((raw.verified_by == didit::webhook_signature::raw));
        BOOST_TEST((v2.verified_by == didit::webhook_signature::canonical));
        BOOST_TEST((simple.verified_by == didit::webhook_signature::simple));
        BOOST_TEST(std::to_string(raw.timestamp) == std::string{all.timestamp});
        BOOST_TEST(raw.session_id == id);
        BOOST_TEST(raw.webhook_type == "status.updated");
        BOOST_TEST(raw.vendor_data.value_or("") == "user-ü");
        BOOST_TEST(raw.metadata.at("n").as_double() == 1.5);
        event_ids.insert(raw.event_id);
        // The wire body is ASCII: non-ASCII text travels escaped.
        for (unsigned char c : request.body())
            BOOST_TEST_REQUIRE(c < 0x80);
    }
    BOOST_TEST(event_ids.size() == 2u);
    auto started = verified(endpoint.received[0], headers_of(endpoint.received[0]));
    BOOST_TEST((started.status == didit::session_status::not_started));
    BOOST_TEST(!started.decision.has_value());
    auto finished = verified(endpoint.received[1], headers_of(endpoint.received[1]));
    BOOST_TEST((finished.status == didit::session_status::approved));
    BOOST_REQUIRE(finished.decision.has_value());
    BOOST_TEST(finished.decision->id_verifications.size() == 1u);
    BOOST_TEST(finished.decision->id_verifications[0].first_name.value_or("") == "José");

    // A review through the API announces the new status too.
    client.update_status({.session_id = id, .new_status = didit::review_status::declined},
                         [](didit::error_code ec) { BOOST_TEST(!ec); });
    run_until(io, [&] { return emulator.stats().webhooks_delivered == 3; });
    BOOST_REQUIRE(endpoint.received.size() == 3u);
    auto reviewed = verified(endpoint.received[2], headers_of(endpoint.received[2]));
    BOOST_TEST((reviewed.status == didit::session_status::declined));
}

BOOST_AUTO_TEST_CASE(v1_deliveries_are_signed_over_the_raw_body_only) {
    boost::asio::io_context io;
    receiver endpoint{io};
    didit::emulator::server emulator{with_webhooks_to(endpoint)};
    didit::client client{io.get_executor(), emulator.client_config()};
    std::string id;
    client.create_session({.callback = callback_url, .vendor_data = "v1-user"},
                          [&](didit::error_code ec, didit::session s) {
                              BOOST_TEST(!ec);
                              id = s.session_id;
                          });
    run_until(io, [&] { return !id.empty() && endpoint.received.size() == 1; });
    BOOST_REQUIRE(emulator.finish_session(id, "Declined"));
    run_until(io, [&] { return endpoint.received.size() == 2; });
    const auto& request = endpoint.received[1];
    BOOST_TEST(request["X-Signature-V2"].empty());
    BOOST_TEST(request["X-Signature-Simple"].empty());
    auto event = verified(request, headers_of(request));
    BOOST_TEST(event.webhook_type.empty());
    BOOST_TEST(event.event_id.empty());
    BOOST_TEST((event.status == didit::session_status::declined));
    BOOST_REQUIRE(event.decision.has_value());
    BOOST_TEST((event.decision->generation == didit::api_generation::v1));
    BOOST_TEST(event.decision->kyc.has_value());
}

BOOST_AUTO_TEST_CASE(failed_deliveries_are_retried_on_5xx_and_404_only) {
    boost::asio::io_context io;
    receiver endpoint{io};
    endpoint.script = {http::status::service_unavailable, http::status::not_found, http::status::ok,
                       http::status::bad_request};
    didit::emulator::server emulator{with_webhooks_to(endpoint)};
    didit::client client{io.get_executor(), emulator.client_config()};
    std::string id;
    client.create_session({.callback = callback_url},
                          [&](didit::error_code, didit::session s) { id = s.session_id; });
    run_until(io, [&] { return !id.empty() && emulator.stats().webhooks_delivered == 1; });
    BOOST_TEST(endpoint.received.size() == 3u); // 503, 404, then 200
    BOOST_TEST(endpoint.received[0].body() == endpoint.received[2].body());

    BOOST_REQUIRE(emulator.finish_session(id, "Approved"));
    run_until(io, [&] { return emulator.stats().webhooks_delivered == 2; });
    BOOST_TEST(endpoint.received.size() == 4u); // 400 is an answer: not retried
    BOOST_TEST(emulator.stats().webhook_attempts == 4u);
}

BOOST_AUTO_TEST_CASE(an_endpoint_that_keeps_failing_is_given_up) {
    boost::asio::io_context io;
    receiver endpoint{io};
    endpoint.script.assign(10, http::status::internal_server_error);
    auto opts = with_webhooks_to(endpoint);
    opts.webhooks.attempts = 3;
    didit::emulator::server emulator{opts};
    BOOST_REQUIRE(emulator.stats().webhooks_abandoned == 0u);
    didit::client client{io.get_executor(), emulator.client_config()};
    client.create_session({.callback = callback_url}, [](didit::error_code, didit::session) {});
    run_until(io, [&] { return emulator.stats().webhooks_abandoned == 1; });
    BOOST_TEST(endpoint.received.size() == 3u);
}

BOOST_AUTO_TEST_CASE(deliveries_go_over_https_to_a_receiver_with_a_trusted_certificate) {
    boost::asio::io_context io;
    auto identity = didit::emulator::detail::make_self_signed_certificate({"localhost"});
    receiver endpoint{io, &identity};
    auto opts = with_webhooks_to(endpoint);
    opts.webhooks.ca_pem = identity.certificate_pem;
    didit::emulator::server emulator{opts};
    didit::client client{io.get_executor(), as_v3(emulator.client_config())};
    client.create_workflow_session({.workflow_id = workflow},
                                   [](didit::error_code, didit::session) {});
    run_until(io, [&] { return emulator.stats().webhooks_delivered == 1; });
    BOOST_REQUIRE_EQUAL(endpoint.received.size(), 1u);
    const auto& request = endpoint.received[0];
    auto event = verified(
        request, {.signature = request["X-Signature"], .signature_v2 = request["X-Signature-V2"]});
    BOOST_TEST(event.webhook_type == "status.updated");
    BOOST_TEST(emulator.stats().webhook_attempts == 1u);
}

BOOST_AUTO_TEST_CASE(a_receiver_whose_certificate_is_not_trusted_gets_nothing) {
    boost::asio::io_context io;
    auto identity = didit::emulator::detail::make_self_signed_certificate({"localhost"});
    auto stranger = didit::emulator::detail::make_self_signed_certificate({"localhost"});
    receiver endpoint{io, &identity};
    auto opts = with_webhooks_to(endpoint);
    opts.webhooks.ca_pem = stranger.certificate_pem;
    opts.webhooks.attempts = 2;
    didit::emulator::server emulator{opts};
    didit::client client{io.get_executor(), as_v3(emulator.client_config())};
    client.create_workflow_session({.workflow_id = workflow},
                                   [](didit::error_code, didit::session) {});
    run_until(io, [&] { return emulator.stats().webhooks_abandoned == 1; });
    BOOST_TEST(endpoint.received.empty());
    BOOST_TEST(emulator.stats().webhook_attempts == 2u);
}
