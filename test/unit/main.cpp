#define BOOST_TEST_MODULE didit unit tests
#include <boost/test/unit_test.hpp>
