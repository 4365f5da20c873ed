#include <didit/client.hpp>
#include <didit/config.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

using namespace didit;
using namespace std::chrono_literals;

namespace {

config valid() {
    config cfg;
    cfg.client_id = "id";
    cfg.client_secret = "a-very-secret-value";
    return cfg;
}

/// The message of the config_error `cfg` raises; fails the test if it raises none.
std::string rejection(const config& cfg) {
    try {
        cfg.validate();
    } catch (const config_error& e) {
        return e.what();
    }
    BOOST_FAIL("configuration was accepted");
    return {};
}

struct scoped_env {
    static constexpr const char* variables[] = {
        "DIDIT_CLIENT_ID",   "DIDIT_CLIENT_SECRET", "DIDIT_API_KEY",     "DIDIT_AUTH_URL",
        "DIDIT_API_URL",     "DIDIT_CA_FILE",       "DIDIT_RATE_LIMITS", "DIDIT_REDIS_URL",
        "DIDIT_FLEET_SHARE", "https_proxy",         "HTTPS_PROXY",       "no_proxy",
        "NO_PROXY"};

    explicit scoped_env(std::initializer_list<std::pair<const char*, const char*>> values) {
        for (auto name : variables)
            ::unsetenv(name);
        for (auto [name, value] : values)
            ::setenv(name, value, 1);
    }
    ~scoped_env() {
        for (auto name : variables)
            ::unsetenv(name);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(configuration)

BOOST_AUTO_TEST_CASE(defaults_are_didits_hosts) {
    auto cfg = valid();
    BOOST_TEST(cfg.auth_url == "https://apx.didit.me");
    BOOST_TEST(cfg.api_url == "https://verification.didit.me");
    BOOST_CHECK_NO_THROW(cfg.validate());
}

BOOST_AUTO_TEST_CASE(each_invalid_field_is_named) {
    auto cfg = valid();
    cfg.client_id.clear();
    BOOST_TEST(rejection(cfg).find("client_id") != std::string::npos);

    cfg = valid();
    cfg.client_secret.clear();
    BOOST_TEST(rejection(cfg).find("client_secret") != std::string::npos);

    cfg = valid();
    cfg.api_url = "http://verification.didit.me";
    BOOST_TEST(rejection(cfg).find("api_url must use https") != std::string::npos);

    cfg = valid();
    cfg.auth_url = "not a url";
    BOOST_TEST(rejection(cfg).find("auth_url") != std::string::npos);

    cfg = valid();
    cfg.ca_file = "/nonexistent/ca.pem";
    BOOST_TEST(rejection(cfg).find("ca_file") != std::string::npos);

    cfg = valid();
    cfg.request_timeout = -1s;
    BOOST_TEST(rejection(cfg).find("request_timeout") != std::string::npos);

    cfg = valid();
    cfg.idle_buffer_release = -1s;
    BOOST_TEST(rejection(cfg).find("idle_buffer_release") != std::string::npos);

    cfg = valid();
    cfg.max_connections_per_origin = 0;
    BOOST_TEST(rejection(cfg).find("max_connections_per_origin") != std::string::npos);

    cfg = valid();
    cfg.retry.max_attempts = 0;
    BOOST_TEST(rejection(cfg).find("retry.max_attempts") != std::string::npos);

    cfg = valid();
    cfg.retry.initial_backoff = 10s;
    cfg.retry.max_backoff = 1s;
    BOOST_TEST(rejection(cfg).find("retry.max_backoff") != std::string::npos);

    cfg = valid();
    cfg.retry.attempt_timeout = -1s;
    BOOST_TEST(rejection(cfg).find("retry.attempt_timeout") != std::string::npos);

    cfg = valid();
    cfg.rate_limits.window = 0s;
    BOOST_TEST(rejection(cfg).find("rate_limits.window") != std::string::npos);
    cfg.rate_limits = rate_limits::off(); // a switched-off budget needs no window
    BOOST_CHECK_NO_THROW(cfg.validate());
}

BOOST_AUTO_TEST_CASE(errors_never_show_the_secret) {
    auto cfg = valid();
    cfg.api_url = "ftp://x";
    BOOST_TEST(rejection(cfg).find("a-very-secret-value") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(client_construction_validates_before_any_io) {
    boost::asio::io_context io;
    auto cfg = valid();
    cfg.api_url = "https://";
    BOOST_CHECK_THROW((client{io.get_executor(), cfg}), config_error);
    cfg = valid();
    cfg.ca_pem = "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n";
    try {
        client c{io.get_executor(), cfg};
        BOOST_FAIL("a bad CA was accepted");
    } catch (const config_error& e) {
        BOOST_TEST(std::string{e.what()}.find("ca_pem") != std::string::npos);
    }
    BOOST_TEST(io.poll() == 0u); // nothing was queued
}

BOOST_AUTO_TEST_CASE(a_client_runs_on_an_io_context_or_a_strand_of_one) {
    boost::asio::io_context io;
    auto strand = boost::asio::make_strand(io);
    client on_strand{strand, valid()};
    BOOST_TEST((on_strand.get_executor() == client::executor_type{strand}));
    boost::asio::thread_pool pool{1};
    try {
        client c{pool.get_executor(), valid()};
        BOOST_FAIL("a thread_pool's executor was accepted");
    } catch (const config_error& e) {
        BOOST_TEST(std::string{e.what()}.find("executor") != std::string::npos);
    }
    BOOST_TEST(io.poll() == 0u); // nothing was queued
}

BOOST_AUTO_TEST_CASE(from_env_names_every_missing_variable) {
    scoped_env env{};
    try {
        config::from_env();
        BOOST_FAIL("missing variables were accepted");
    } catch (const config_error& e) {
        std::string what = e.what();
        BOOST_TEST(what.find("DIDIT_CLIENT_ID") != std::string::npos);
        BOOST_TEST(what.find("DIDIT_CLIENT_SECRET") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(from_env_reads_every_variable) {
    scoped_env env{{"DIDIT_CLIENT_ID", "cid"},
                   {"DIDIT_CLIENT_SECRET", "sec"},
                   {"DIDIT_AUTH_URL", "https://auth.example"},
                   {"DIDIT_API_URL", "https://api.example/prefix"}};
    auto cfg = config::from_env();
    BOOST_TEST(cfg.client_id == "cid");
    BOOST_TEST(cfg.client_secret == "sec");
    BOOST_TEST(cfg.auth_url == "https://auth.example");
    BOOST_TEST(cfg.api_url == "https://api.example/prefix");
    BOOST_TEST(cfg.ca_file.empty());
    BOOST_TEST(cfg.rate_limits.enabled); // on by default
}

BOOST_AUTO_TEST_CASE(from_env_switches_the_rate_budget_off_only_when_asked) {
    scoped_env off{{"DIDIT_API_KEY", "key-123"}, {"DIDIT_RATE_LIMITS", "off"}};
    BOOST_TEST(!config::from_env().rate_limits.enabled);
    scoped_env wrong{{"DIDIT_API_KEY", "key-123"}, {"DIDIT_RATE_LIMITS", "none"}};
    BOOST_CHECK_THROW(config::from_env(), config_error);
}

BOOST_AUTO_TEST_CASE(from_env_scales_the_rate_budget_down_field_by_field) {
    scoped_env scaled{{"DIDIT_API_KEY", "key-123"},
                      {"DIDIT_RATE_LIMITS", "window_ms=2000,create_session=30"}};
    auto limits = config::from_env().rate_limits;
    BOOST_TEST(limits.enabled);
    BOOST_TEST(limits.window.count() == 2000);
    BOOST_TEST(limits.create_session == 30u);
    BOOST_TEST(limits.generic_write == rate_limits{}.generic_write); // the rest as default
    for (auto wrong : {"create_session", "create_session=", "create_session=-1",
                       "create_session=3x", "sessions=3", "window_ms=0"}) {
        scoped_env bad{{"DIDIT_API_KEY", "key-123"}, {"DIDIT_RATE_LIMITS", wrong}};
        BOOST_CHECK_EXCEPTION(config::from_env(), config_error, [&](const config_error& e) {
            std::string what = e.what();
            return what.find("DIDIT_RATE_LIMITS") != std::string::npos ||
                   what.find("rate_limits.window") != std::string::npos;
        });
    }
}

BOOST_AUTO_TEST_CASE(from_env_reads_the_fleet_and_leaves_the_backend_to_the_program) {
    scoped_env fleet{{"DIDIT_API_KEY", "key-123"},
                     {"DIDIT_REDIS_URL", "rediss://:pw-secret@redis.internal:6380/2"},
                     {"DIDIT_FLEET_SHARE", "0.25"}};
    auto cfg = config::from_env(); // no backend yet: the program sets it
    BOOST_TEST(cfg.fleet.redis_url == "rediss://:pw-secret@redis.internal:6380/2");
    BOOST_TEST(cfg.fleet.fallback_share == 0.25);
    BOOST_CHECK_EXCEPTION(cfg.validate(), config_error, [](const config_error& e) {
        std::string what = e.what();
        return what.find("fleet.backend") != std::string::npos &&
               what.find("pw-secret") == std::string::npos;
    });
    for (auto wrong : {"0", "1.5", "a third", "nan"}) {
        scoped_env bad{{"DIDIT_API_KEY", "key-123"}, {"DIDIT_FLEET_SHARE", wrong}};
        BOOST_CHECK_THROW(config::from_env(), config_error);
    }
    scoped_env bad_url{{"DIDIT_API_KEY", "key-123"}, {"DIDIT_REDIS_URL", "redis://:pw-secret@"}};
    BOOST_CHECK_EXCEPTION(config::from_env(), config_error, [](const config_error& e) {
        std::string what = e.what();
        return what.find("fleet.redis_url") != std::string::npos &&
               what.find("pw-secret") == std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(an_api_key_selects_v3_without_client_credentials) {
    scoped_env env{{"DIDIT_API_KEY", "key-123"}};
    auto cfg = config::from_env();
    BOOST_TEST((cfg.generation() == api_generation::v3));
    BOOST_TEST(cfg.api_key == "key-123");
    BOOST_TEST((valid().generation() == api_generation::v1));
}

BOOST_AUTO_TEST_CASE(an_api_key_that_could_inject_headers_is_refused) {
    config cfg;
    cfg.api_key = "key\r\nX-Evil: 1";
    auto message = rejection(cfg);
    BOOST_TEST(message.find("api_key") != std::string::npos);
    BOOST_TEST(message.find("X-Evil") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(from_env_rejects_an_unreadable_ca_file) {
    scoped_env env{{"DIDIT_CLIENT_ID", "cid"},
                   {"DIDIT_CLIENT_SECRET", "sec"},
                   {"DIDIT_CA_FILE", "/nonexistent/ca.pem"}};
    BOOST_CHECK_THROW(config::from_env(), config_error);
}

BOOST_AUTO_TEST_SUITE_END()
