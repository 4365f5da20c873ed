#include <didit/error.hpp>

#include <boost/test/unit_test.hpp>

using namespace didit;

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(every_error_has_an_actionable_message) {
    for (int e = static_cast<int>(error::invalid_request);
         e <= static_cast<int>(error::proxy_refused); ++e) {
        auto ec = make_error_code(static_cast<error>(e));
        BOOST_TEST(ec.category().name() == std::string{"didit"});
        BOOST_TEST(ec.message().size() > 20u, ec.message());
        BOOST_TEST(ec.message() != "unknown didit error");
        BOOST_TEST(to_string(static_cast<error>(e)) != std::string{"unknown"});
    }
}

BOOST_AUTO_TEST_CASE(conditions_group_errors) {
    BOOST_TEST((error_code{error::connect_timeout} == condition::timeout));
    BOOST_TEST((error_code{error::request_timeout} == condition::timeout));
    BOOST_TEST((error_code{error::token_timeout} == condition::timeout));
    BOOST_TEST((error_code{error::outcome_unknown} != condition::timeout));
    BOOST_TEST((error_code{error::unauthorized} == condition::unauthorized));
    BOOST_TEST((error_code{error::token_rejected} == condition::unauthorized));
    BOOST_TEST((error_code{error::rate_limited} == condition::rate_limited));
    BOOST_TEST((error_code{error::server_error} == condition::server_error));
    BOOST_TEST((error_code{error::invalid_response} == condition::invalid_response));
    BOOST_TEST((error_code{error::response_too_large} == condition::invalid_response));
    BOOST_TEST((error_code{error::bad_request} != condition::server_error));
}

BOOST_AUTO_TEST_CASE(retryable_never_includes_what_may_have_taken_effect) {
    BOOST_TEST((error_code{error::rate_limited} == condition::retryable));
    BOOST_TEST((error_code{error::service_unavailable} == condition::retryable));
    BOOST_TEST((error_code{error::service_unavailable} == condition::server_error));
    // A 500, 502 or 504 may come after the work was done: not safe to repeat a create.
    BOOST_TEST((error_code{error::server_error} != condition::retryable));
    BOOST_TEST((error_code{error::connect_failed} == condition::retryable));
    BOOST_TEST((error_code{error::connection_lost} == condition::retryable));
    BOOST_TEST((error_code{error::outcome_unknown} != condition::retryable));
    BOOST_TEST((error_code{error::request_timeout} != condition::retryable));
    BOOST_TEST((error_code{error::bad_request} != condition::retryable));
    BOOST_TEST((error_code{boost::system::errc::timed_out, boost::system::generic_category()} !=
                condition::retryable));
}

BOOST_AUTO_TEST_SUITE_END()
