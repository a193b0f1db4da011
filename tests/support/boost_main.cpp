#define BOOST_TEST_MODULE boxoffice
#include <boost/test/unit_test.hpp>
