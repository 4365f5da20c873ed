#include <didit/emulator.hpp>

#include "certificate.hpp"
#include "control.hpp"
#include "form_parser.hpp"
#include "hostile_wire.hpp"
#include "random_ids.hpp"
#include "service.hpp"
#include "webhook_sender.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <future>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace didit::emulator {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

struct live_connection {
    live_connection(tcp::socket socket, asio::ssl::context& tls) : stream(std::move(socket), tls) {}
    asio::ssl::stream<tcp::socket> stream;
    bool idle = false; ///< not processing a request: closing it now loses nothing
    void close() {
        boost::system::error_code ignored;
        stream.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
        stream.next_layer().close(ignored);
    }
};

constexpr std::size_t max_request_bytes = 2 * 1024 * 1024;
/// Forms carry images and documents; the service refuses files over their field's limit
/// itself (with 400), so this only bounds what a connection may send.
constexpr std::uint64_t max_form_bytes = 128 * 1024 * 1024;

} // namespace

struct server::impl final : detail::control_actions {
    explicit impl(options opts)
        : options_(std::move(opts)),
          certificate_(detail::make_self_signed_certificate(options_.certificate_hosts)),
          service_(options_) {
        tls_.use_certificate_chain(asio::buffer(certificate_.certificate_pem));
        tls_.use_private_key(asio::buffer(certificate_.private_key_pem), asio::ssl::context::pem);
        if (options_.tls12_only)
            SSL_CTX_set_max_proto_version(tls_.native_handle(), TLS1_2_VERSION);
        tcp::endpoint where{asio::ip::make_address(options_.address), options_.port};
        acceptor_.open(where.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(where);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        webhooks_.configure(options_.webhooks);
        service_.on_status_change([this](const detail::session_record& session) {
            asio::post(io_, [this, session] { announce(session); });
        });
        // PATCH /v3/webhook/: later webhooks go to the new URL, signed with the new secret.
        service_.on_webhook_change([this](const std::string& url, const std::string& secret) {
            asio::post(io_, [this, url, secret] {
                auto settings = webhooks_.settings();
                settings.url = url;
                settings.secret = secret;
                webhooks_.configure(std::move(settings));
            });
        });
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }

    ~impl() {
        io_.stop();
        thread_.join();
    }

    /// Runs `f` on the emulator's thread and waits for it. Never call from that thread.
    template <class F> auto on_loop(F f) {
        std::packaged_task<decltype(f())()> task{std::move(f)};
        auto result = task.get_future();
        asio::post(io_, [&task] { task(); });
        return result.get();
    }

    /// Signs and queues the webhook for `session` as it was when its status changed. On the
    /// emulator's thread, where the webhook settings live.
    void announce(const detail::session_record& session) {
        const auto& settings = webhooks_.settings();
        if (settings.url.empty())
            return;
        auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
        webhooks_.send(
            detail::webhook_delivery(session, now, detail::random_uuid(), settings.secret));
    }

    std::optional<fault> take_fault(endpoint where) {
        std::lock_guard lock{faults_mutex_};
        for (auto it = faults_.begin(); it != faults_.end(); ++it) {
            if (it->where != where)
                continue;
            if (it->probability < 1.0 &&
                std::uniform_real_distribution<double>{0.0, 1.0}(fault_dice_) >= it->probability)
                continue; // spared by this fault; a later one may still apply
            auto taken = *it;
            if (--it->times == 0)
                faults_.erase(it);
            return taken;
        }
        return std::nullopt;
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(as_tuple(use_awaitable));
            if (ec == asio::error::operation_aborted)
                co_return;
            if (!ec)
                asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        // As HTTPS front ends do: a small record (a session ticket, an answer's last bytes)
        // goes out at once rather than waiting for the peer's delayed acknowledgement.
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay{true}, ignored);
        auto conn = std::make_shared<live_connection>(std::move(socket), tls_);
        live_.insert(conn);
        service_.count_connection();
        co_await serve_requests(*conn);
        conn->close();
        live_.erase(conn);
    }

    asio::awaitable<void> serve_requests(live_connection& conn) {
        auto [handshake_ec] = co_await conn.stream.async_handshake(asio::ssl::stream_base::server,
                                                                   as_tuple(use_awaitable));
        if (handshake_ec)
            co_return;
        service_.count_handshake(SSL_session_reused(conn.stream.native_handle()) == 1);
        boost::beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::empty_body> head;
            head.body_limit(max_form_bytes); // Beast weighs Content-Length with the head
            conn.idle = buffer.size() == 0;
            auto [read_ec, read] = co_await http::async_read_header(conn.stream, buffer, head,
                                                                    as_tuple(use_awaitable));
            conn.idle = false;
            if (read_ec)
                co_return;
            std::optional<detail::form_parser> form;
            auto request = co_await read_rest(conn, buffer, std::move(head), form);
            if (!request)
                co_return;
            if (detail::is_control(*request)) { // not the service's: no counting, no faults
                auto response = detail::answer_control(*request, *this);
                conn.idle = true;
                auto [write_ec, written] =
                    co_await http::async_write(conn.stream, response, as_tuple(use_awaitable));
                if (write_ec || !response.keep_alive())
                    co_return;
                continue;
            }
            auto to = detail::service::classify(*request);
            service_.count_arrival(*request, to.where);
            token_flight flight{*this, to.where == endpoint::token};
            auto misbehave = take_fault(to.where);
            using kind = fault::kind;
            auto is = [&](kind k) { return misbehave && misbehave->what == k; };

            if (misbehave && misbehave->delay.count() > 0) {
                asio::steady_timer timer{io_, misbehave->delay};
                co_await timer.async_wait(as_tuple(use_awaitable));
            }
            if (is(kind::close_on_arrival))
                co_return;
            if (is(kind::tls_alert)) {
                co_await detail::write_alert(conn.stream);
                co_return;
            }
            if (misbehave && detail::is_hostile(misbehave->what)) {
                co_await detail::write_hostile(conn.stream, *misbehave);
                co_return;
            }
            detail::http_response response;
            if (is(kind::respond))
                response = faulty_response(*request, *misbehave);
            else if (is(kind::redirect))
                response = redirect_response(*request, *misbehave);
            else
                response = service_.handle(*request, to, form ? &*form : nullptr);
            if (is(kind::drop_after_processing))
                co_return;
            if (is(kind::truncated_body)) {
                co_await write_truncated(conn, response);
                co_return;
            }
            if (is(kind::close_after_response))
                response.keep_alive(false);
            if (is(kind::non_json_body)) {
                response.set(http::field::content_type, "text/html");
                response.body() = "<html><body><h1>502 Bad Gateway</h1></body></html>";
                response.prepare_payload();
            }
            if (is(kind::key_update))
                SSL_key_update(conn.stream.native_handle(), SSL_KEY_UPDATE_REQUESTED);
            if (is(kind::early_hints) && !co_await detail::write_early_hints(conn.stream))
                co_return;
            if (is(kind::folded_header) || is(kind::close_delimited_body)) {
                conn.idle = true;
                if (!co_await detail::write_reshaped(conn.stream, response, misbehave->what))
                    co_return;
                continue;
            }
            // Answered: from the client's point of view the connection is idle as soon as the
            // response bytes are out, which is before this coroutine resumes after the write.
            conn.idle = true;
            auto [write_ec, written] =
                co_await http::async_write(conn.stream, response, as_tuple(use_awaitable));
            if (write_ec || !response.keep_alive())
                co_return;
        }
    }

    /// The request's body after its head: a form (multipart/form-data) a piece at a time into
    /// `form`, as the service streams uploads; anything else whole. None when the connection
    /// broke or the body is too large.
    asio::awaitable<std::optional<detail::http_request>>
    read_rest(live_connection& conn, boost::beast::flat_buffer& buffer,
              http::request_parser<http::empty_body>&& head,
              std::optional<detail::form_parser>& form) {
        auto boundary = detail::form_boundary(head.get()[http::field::content_type]);
        if (!boundary) {
            if (head.content_length().value_or(0) > max_request_bytes)
                co_return std::nullopt;
            http::request_parser<http::string_body> parser{std::move(head)};
            parser.body_limit(max_request_bytes);
            auto [ec, read] =
                co_await http::async_read(conn.stream, buffer, parser, as_tuple(use_awaitable));
            if (ec)
                co_return std::nullopt;
            co_return parser.release();
        }
        form.emplace(*boundary);
        http::request_parser<http::buffer_body> parser{std::move(head)};
        parser.body_limit(max_form_bytes);
        std::vector<char> piece(64 * 1024);
        while (!parser.is_done()) {
            parser.get().body().data = piece.data();
            parser.get().body().size = piece.size();
            auto [ec, read] =
                co_await http::async_read(conn.stream, buffer, parser, as_tuple(use_awaitable));
            if (ec && ec != http::error::need_buffer)
                co_return std::nullopt;
            form->feed({piece.data(), piece.size() - parser.get().body().size});
        }
        form->finish();
        co_return detail::http_request{std::move(parser.release().base())};
    }

    /// Counts a token request as open from arrival until this coroutine moves on.
    struct token_flight {
        token_flight(impl& self, bool counts) : self(self), counts(counts) {
            if (!counts)
                return;
            auto open = ++self.token_requests_open_;
            auto peak = self.token_requests_peak_.load();
            while (open > peak && !self.token_requests_peak_.compare_exchange_weak(peak, open)) {
            }
        }
        token_flight(const token_flight&) = delete;
        token_flight& operator=(const token_flight&) = delete;
        ~token_flight() {
            if (counts)
                --self.token_requests_open_;
        }
        impl& self;
        bool counts;
    };

    static detail::http_response faulty_response(const detail::http_request& request,
                                                 const fault& f) {
        detail::http_response response{static_cast<http::status>(f.status), request.version()};
        response.set(http::field::server, "didit-emulator");
        response.set(http::field::content_type, "application/json");
        if (f.retry_after)
            response.set(http::field::retry_after, std::to_string(*f.retry_after));
        response.body() = f.body;
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        return response;
    }

    static detail::http_response redirect_response(const detail::http_request& request,
                                                   const fault& f) {
        auto status = f.status / 100 == 3 ? f.status : 301u;
        detail::http_response response{static_cast<http::status>(status), request.version()};
        response.set(http::field::server, "didit-emulator");
        response.set(http::field::location, f.location);
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        return response;
    }

    asio::awaitable<void> write_truncated(live_connection& conn,
                                          const detail::http_response& response) {
        std::ostringstream text;
        text << response;
        auto wire = text.str();
        wire.resize(wire.size() - response.body().size() / 2 - 1);
        co_await asio::async_write(conn.stream, asio::buffer(wire), as_tuple(use_awaitable));
    }

    // The control endpoints' actions (/__emulator/...), on the emulator's thread.
    bool finish_session(std::string_view session_id, std::string_view status) override {
        return service_.finish_session(session_id, status);
    }
    std::optional<std::string> session_status(std::string_view session_id) override {
        return service_.session_status(session_id);
    }
    void inject(fault f) override {
        std::lock_guard lock{faults_mutex_};
        faults_.push_back(std::move(f));
    }
    void clear_faults() override {
        std::lock_guard lock{faults_mutex_};
        faults_.clear();
    }
    counters stats() override {
        auto seen = service_.stats();
        seen.webhook_attempts = webhooks_.attempts.load();
        seen.webhooks_delivered = webhooks_.delivered.load();
        seen.webhooks_abandoned = webhooks_.abandoned.load();
        seen.token_requests_peak_in_flight = token_requests_peak_.load();
        return seen;
    }
    void expire_tokens() override { service_.expire_tokens(); }
    void set_account_state(account_state state) override { service_.set_account_state(state); }
    void set_provider_outage(std::string_view provider, bool on) override {
        service_.set_provider_outage(provider, on);
    }
    void reset() override {
        clear_faults();
        service_.reset();
        webhooks_.attempts = 0;
        webhooks_.delivered = 0;
        webhooks_.abandoned = 0;
        token_requests_peak_ = 0;
    }

    options options_;
    detail::certificate certificate_;
    detail::service service_;
    asio::io_context io_{1};
    asio::ssl::context tls_{asio::ssl::context::tls_server};
    tcp::acceptor acceptor_{io_};
    detail::webhook_sender webhooks_{io_};
    unsigned short port_ = 0;
    std::set<std::shared_ptr<live_connection>> live_; ///< touched only on the emulator's thread
    std::mutex faults_mutex_;
    std::deque<fault> faults_;
    std::mt19937 fault_dice_{options_.fault_seed}; ///< guarded by faults_mutex_
    std::atomic<std::uint64_t> token_requests_open_{0};
    std::atomic<std::uint64_t> token_requests_peak_{0};
    std::thread thread_;
};

server::server(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
server::~server() = default;

unsigned short server::port() const {
    return impl_->port_;
}

std::string server::url() const {
    return "https://localhost:" + std::to_string(port());
}

const std::string& server::certificate_pem() const {
    return impl_->certificate_.certificate_pem;
}

didit::config server::client_config(api_generation generation) const {
    didit::config cfg;
    if (generation == api_generation::v3) {
        cfg.api_key = impl_->options_.api_key;
    } else {
        cfg.client_id = impl_->options_.client_id;
        cfg.client_secret = impl_->options_.client_secret;
    }
    cfg.auth_url = url();
    cfg.api_url = url();
    cfg.ca_pem = certificate_pem();
    cfg.rate_limits = didit::rate_limits::off();
    if (auto limits = impl_->service_.rate_limits_in_force()) {
        cfg.rate_limits = {.enabled = true,
                           .window = limits->window,
                           .create_session = limits->create_session,
                           .retrieve_decision = limits->retrieve_decision,
                           .generate_pdf = limits->generate_pdf,
                           .generic_get = limits->generic_get,
                           .generic_write = limits->generic_write};
    }
    return cfg;
}

counters server::stats() const {
    return impl_->stats();
}

void server::clear_faults() {
    impl_->clear_faults();
}

void server::reset() {
    impl_->reset();
}

void server::set_webhooks(webhook_settings settings) {
    impl_->service_.webhook_configured(settings.url, settings.secret);
    impl_->on_loop([&] { impl_->webhooks_.configure(std::move(settings)); });
}

void server::set_provider_outage(std::string_view provider, bool on) {
    impl_->service_.set_provider_outage(provider, on);
}

std::vector<std::vector<server::received_part>> server::received_forms() const {
    return impl_->service_.received_forms();
}

void server::inject(fault f) {
    if (f.times == 0)
        return;
    std::lock_guard lock{impl_->faults_mutex_};
    impl_->faults_.push_back(std::move(f));
}

void server::close_idle_connections() {
    impl_->on_loop([this] {
        for (const auto& conn : impl_->live_)
            if (conn->idle)
                conn->close();
    });
}

void server::expire_tokens() {
    impl_->service_.expire_tokens();
}

void server::enable_rate_limits(rate_limits limits) {
    impl_->service_.enable_rate_limits(limits);
}

std::vector<std::chrono::system_clock::time_point> server::creates_let_through() const {
    return impl_->service_.creates_let_through();
}

void server::set_account_state(account_state state) {
    impl_->service_.set_account_state(state);
}

void server::set_token_lifetime(std::chrono::seconds lifetime) {
    impl_->service_.set_token_lifetime(lifetime);
}

bool server::finish_session(std::string_view session_id, std::string_view status) {
    return impl_->service_.finish_session(session_id, status);
}

std::optional<std::string> server::session_status(std::string_view session_id) const {
    return impl_->service_.session_status(session_id);
}

std::size_t server::open_connections() const {
    return impl_->on_loop([this] { return impl_->live_.size(); });
}

didit::config config_from_env_or_emulator(std::optional<server>& local) {
    auto is_set = [](const char* name) {
        const char* value = std::getenv(name);
        return value != nullptr && *value != '\0';
    };
    if (is_set("DIDIT_CLIENT_ID") || is_set("DIDIT_API_KEY"))
        return didit::config::from_env();
    local.emplace();
    return local->client_config();
}

} // namespace didit::emulator
