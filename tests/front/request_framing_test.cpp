#include "http/front/request_framing.hpp"

#include <boost/test/unit_test.hpp>

namespace boxoffice::http::front {
namespace {

using domain::ErrorCode;

const FramingLimits kLimits{1024, 100};

FramedRequest frame(const std::string& bytes) {
  return frame_request(bytes, kLimits);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_framing)

BOOST_AUTO_TEST_CASE(a_request_without_length_or_encoding_has_an_empty_body) {
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string buffer = get + "GET /next";  // the views below point into it
  const auto framed = frame(buffer);
  BOOST_TEST((framed.verdict == FrameVerdict::complete));
  BOOST_TEST(framed.message_bytes == get.size());
  BOOST_TEST(framed.method == "GET");
  BOOST_TEST(framed.target == "/healthz");
  BOOST_TEST(framed.normalized.empty());
  // A POST without Content-Length is not read until the client closes (RFC 9112 6.3).
  const std::string post = "POST /api/v1/payments HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto bodiless = frame(post);
  BOOST_TEST((bodiless.verdict == FrameVerdict::complete));
  BOOST_TEST(bodiless.message_bytes == post.size());
}

BOOST_AUTO_TEST_CASE(a_head_is_incomplete_until_its_empty_line) {
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::size_t cut = 0; cut < head.size(); ++cut) {
    BOOST_TEST_CONTEXT("first " << cut << " bytes") {
      const auto framed = frame(head.substr(0, cut));
      BOOST_TEST((framed.verdict == FrameVerdict::incomplete));
      BOOST_TEST(!framed.head_complete);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_content_length_body_is_waited_for_and_pipelined_bytes_are_left) {
  const std::string request = "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  const auto partial = frame(request.substr(0, request.size() - 1));
  BOOST_TEST((partial.verdict == FrameVerdict::incomplete));
  BOOST_TEST(partial.head_complete);
  const auto whole = frame(request + "GET / HTTP/1.1\r\n\r\n");
  BOOST_TEST((whole.verdict == FrameVerdict::complete));
  BOOST_TEST(whole.message_bytes == request.size());
}

BOOST_AUTO_TEST_CASE(invalid_content_length_is_rejected) {
  for (const std::string value : {"-5", "abc", "5 5", "1e3", "", "0x10", "9999999999999999999"}) {
    BOOST_TEST_CONTEXT("Content-Length: " << value) {
      const auto framed = frame("POST /x HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\n");
      BOOST_TEST((framed.verdict == FrameVerdict::rejected));
      BOOST_TEST((framed.code == ErrorCode::invalid_request));
    }
  }
  const auto twice = frame("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
  BOOST_TEST((twice.code == ErrorCode::invalid_request));
  BOOST_TEST((twice.verdict == FrameVerdict::rejected));
  const auto same_twice =
      frame("POST /x HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nab");
  BOOST_TEST((same_twice.verdict == FrameVerdict::complete));
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_refused_before_it_arrives) {
  const auto framed = frame("POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n");
  BOOST_TEST((framed.verdict == FrameVerdict::rejected));
  BOOST_TEST((framed.code == ErrorCode::payload_too_large));
  BOOST_TEST((frame("POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n").verdict ==
              FrameVerdict::incomplete));
}

BOOST_AUTO_TEST_CASE(a_head_over_the_limit_is_431_whether_or_not_it_ended) {
  const std::string big_header = "X-Filler: " + std::string(1100, 'a') + "\r\n";
  for (const std::string& request :
       {"GET / HTTP/1.1\r\n" + big_header, "GET / HTTP/1.1\r\n" + big_header + "\r\n"}) {
    const auto framed = frame(request);
    BOOST_TEST((framed.verdict == FrameVerdict::rejected));
    BOOST_TEST((framed.code == ErrorCode::headers_too_large));
  }
}

BOOST_AUTO_TEST_CASE(chunked_in_any_letter_case_is_decoded_to_a_content_length_body) {
  for (const std::string coding : {"chunked", "Chunked", "CHUNKED", " chunked "}) {
    BOOST_TEST_CONTEXT("Transfer-Encoding: " << coding) {
      const std::string request =
          "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:" + coding +
          "\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n";
      const auto framed = frame(request + "GET /next HTTP/1.1\r\n\r\n");
      BOOST_TEST_REQUIRE((framed.verdict == FrameVerdict::complete));
      BOOST_TEST(framed.message_bytes == request.size());
      BOOST_TEST(framed.normalized ==
                 "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_chunked_body_is_incomplete_until_its_last_chunk_and_trailers) {
  const std::string request =
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  const auto head_size = request.find("\r\n\r\n") + 4;
  for (std::size_t cut = head_size; cut < request.size(); ++cut)
    BOOST_TEST((frame(request.substr(0, cut)).verdict == FrameVerdict::incomplete),
               "first " << cut << " bytes");
}

BOOST_AUTO_TEST_CASE(a_chunked_body_over_the_limit_or_malformed_is_refused) {
  const std::string head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  BOOST_TEST((frame(head + "65\r\n").code == ErrorCode::payload_too_large));  // 101 bytes
  BOOST_TEST((frame(head + "40\r\n" + std::string(64, 'a') + "\r\n40\r\n").code ==
              ErrorCode::payload_too_large));
  for (const std::string body : {"zz\r\n", "3\r\nabcX\r\n", "\r\n", "-1\r\n", "3 3\r\n"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      const auto framed = frame(head + body);
      BOOST_TEST((framed.verdict == FrameVerdict::rejected));
      BOOST_TEST((framed.code == ErrorCode::invalid_request));
    }
  }
  // A chunk-size line that never ends is not read forever.
  BOOST_TEST((frame(head + std::string(2000, '1')).verdict == FrameVerdict::rejected));
}

BOOST_AUTO_TEST_CASE(transfer_codings_other_than_chunked_alone_are_refused) {
  for (const std::string coding :
       {"gzip", "chunked, gzip", "gzip, chunked", "chunked, chunked", "identity", "chunked;q=1"}) {
    BOOST_TEST_CONTEXT("Transfer-Encoding: " << coding) {
      const auto framed =
          frame("POST /x HTTP/1.1\r\nTransfer-Encoding: " + coding + "\r\n\r\n0\r\n\r\n");
      BOOST_TEST((framed.verdict == FrameVerdict::rejected));
      BOOST_TEST((framed.code == ErrorCode::invalid_request));
    }
  }
  const auto both =
      frame("POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  BOOST_TEST((both.verdict == FrameVerdict::rejected));
}

BOOST_AUTO_TEST_CASE(header_lines_that_parsers_may_read_differently_are_refused) {
  for (const std::string head :
       {"GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n", "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty name\r\n\r\n"}) {
    BOOST_TEST_CONTEXT(head) {
      const auto framed = frame(head);
      BOOST_TEST((framed.verdict == FrameVerdict::rejected));
      BOOST_TEST((framed.code == ErrorCode::invalid_request));
    }
  }
}

BOOST_AUTO_TEST_CASE(range_and_expect_are_removed_and_a_get_body_is_framed_and_kept_apart) {
  const auto ranged = frame("GET /x HTTP/1.1\r\nRange: bytes=0-0,0-0\r\nHost: x\r\n\r\n");
  BOOST_TEST_REQUIRE((ranged.verdict == FrameVerdict::complete));
  BOOST_TEST(ranged.normalized == "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");

  const std::string expecting =
      "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  const auto waiting = frame(expecting);
  BOOST_TEST((waiting.verdict == FrameVerdict::incomplete));
  BOOST_TEST(waiting.expect_continue);
  const auto arrived = frame(expecting + "{}");
  BOOST_TEST_REQUIRE((arrived.verdict == FrameVerdict::complete));
  BOOST_TEST(arrived.normalized == "POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");

  const std::string smuggled = "GET /admin HTTP/1.1\r\n\r\n";
  const std::string get = "GET /x HTTP/1.1\r\nContent-Length: " + std::to_string(smuggled.size()) +
                          "\r\n\r\n" + smuggled;
  const auto with_body = frame(get);
  BOOST_TEST((with_body.verdict == FrameVerdict::complete));
  BOOST_TEST(with_body.message_bytes == get.size());  // the body is not a next request
}

BOOST_AUTO_TEST_CASE(empty_lines_before_a_request_are_skipped) {
  const std::string request = "\r\n\r\nGET /x HTTP/1.1\r\n\r\n";
  const auto framed = frame(request);
  BOOST_TEST_REQUIRE((framed.verdict == FrameVerdict::complete));
  BOOST_TEST(framed.message_bytes == request.size());
  BOOST_TEST(framed.normalized == "GET /x HTTP/1.1\r\n\r\n");
  BOOST_TEST((frame("\r\n").verdict == FrameVerdict::incomplete));
}

BOOST_AUTO_TEST_CASE(operations_targets_are_told_apart) {
  BOOST_TEST(is_operations_target("GET", "/healthz"));
  BOOST_TEST(is_operations_target("GET", "/metrics?x=1"));
  BOOST_TEST(is_operations_target("HEAD", "/readyz"));
  BOOST_TEST(!is_operations_target("POST", "/healthz"));
  BOOST_TEST(!is_operations_target("GET", "/healthz/x"));
  BOOST_TEST(!is_operations_target("GET", "/api/v1/concerts"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::http::front
