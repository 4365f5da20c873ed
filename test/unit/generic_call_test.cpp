#include "operations/generic_call.hpp"

#include <boost/test/unit_test.hpp>

using namespace didit::detail;

BOOST_AUTO_TEST_SUITE(generic_call)

BOOST_AUTO_TEST_CASE(methods_in_any_case_and_only_the_usual_five) {
    BOOST_TEST(canonical_method("get") == "GET");
    BOOST_TEST(canonical_method("Patch") == "PATCH");
    BOOST_TEST(canonical_method("DELETE") == "DELETE");
    BOOST_TEST(canonical_method("CONNECT").empty());
    BOOST_TEST(canonical_method("GETS").empty());
    BOOST_TEST(canonical_method("").empty());
}

BOOST_AUTO_TEST_CASE(only_get_and_delete_are_repeated) {
    BOOST_TEST(repeatable_method("GET"));
    BOOST_TEST(repeatable_method("DELETE"));
    BOOST_TEST(!repeatable_method("POST"));
    BOOST_TEST(!repeatable_method("PATCH"));
    BOOST_TEST(!repeatable_method("PUT"));
}

BOOST_AUTO_TEST_CASE(paths_stay_on_the_api_origin) {
    BOOST_TEST(check_call_path("/v3/workflows/").empty());
    BOOST_TEST(check_call_path("/v3/sessions/?status=Approved&limit=5").empty());
    BOOST_TEST(check_call_path("/v3/session/a%20b/").empty());
    BOOST_TEST(!check_call_path("").empty());
    BOOST_TEST(!check_call_path("v3/").empty());
    BOOST_TEST(!check_call_path("//evil.example/").empty());
    BOOST_TEST(!check_call_path("/a b").empty());
    BOOST_TEST(!check_call_path("/a\r\nX: y").empty());
    BOOST_TEST(!check_call_path("/caf\xc3\xa9/").empty());
    BOOST_TEST(!check_call_path("/v3/../x").empty());
    BOOST_TEST(!check_call_path("/v3/..").empty());
    BOOST_TEST(check_call_path("/v3/..x/").empty()); // a name, not a segment
    BOOST_TEST(!check_call_path("/v3/#x").empty());
}

BOOST_AUTO_TEST_CASE(the_endpoints_with_scopes_of_their_own) {
    BOOST_TEST((endpoint_scope("POST", "/v3/session/") == rate_scope::create_session));
    BOOST_TEST((endpoint_scope("POST", "/v1/session/") == rate_scope::create_session));
    BOOST_TEST((endpoint_scope("GET", "/v3/session/x/decision/") == rate_scope::retrieve_decision));
    BOOST_TEST((endpoint_scope("GET", "/v3/session/x/generate-pdf/") == rate_scope::generate_pdf));
    BOOST_TEST(!endpoint_scope("GET", "/v3/session/"));
    BOOST_TEST(!endpoint_scope("POST", "/v3/session/x/decision/"));
    BOOST_TEST(!endpoint_scope("GET", "/v3/workflows/"));
}

BOOST_AUTO_TEST_SUITE_END()
