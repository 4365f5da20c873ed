// multipart/form-data both ways: the client's encoder and the emulator's parser, and the
// standalone checks' answers. Pure, no sockets (a file on disk for the streamed parts).
#include "emulator/form_parser.hpp"
#include "wire/check_codec.hpp"
#include "wire/multipart.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace didit::detail;
using didit::check_result;
using didit::check_status;
using didit::multipart_form;
using didit::upload;
using didit::emulator::detail::form_boundary;
using didit::emulator::detail::form_parser;

namespace {

namespace fs = std::filesystem;

/// The body as it goes on the wire: each segment's text, then its file's bytes.
std::string wire_body(const encoded_form& form) {
    std::string body;
    for (const auto& segment : form.segments) {
        body += segment.text;
        if (!segment.file.empty()) {
            std::ifstream file{segment.file, std::ios::binary};
            std::ostringstream bytes;
            bytes << file.rdbuf();
            body += bytes.str();
        }
    }
    return body;
}

/// Parses `body` fed in pieces of `piece` bytes.
form_parser parse_in_pieces(const std::string& body, std::string boundary, std::size_t piece) {
    form_parser parser{std::move(boundary)};
    for (std::size_t at = 0; at < body.size(); at += piece)
        BOOST_REQUIRE_MESSAGE(parser.feed(std::string_view{body}.substr(at, piece)),
                              parser.problem());
    BOOST_REQUIRE_MESSAGE(parser.finish(), parser.problem());
    return parser;
}

struct scratch_file {
    explicit scratch_file(const std::string& content)
        : path(fs::temp_directory_path() / ("didit-unit-" + std::to_string(::getpid()) + ".png")) {
        std::ofstream{path, std::ios::binary} << content;
    }
    ~scratch_file() { fs::remove(path); }
    fs::path path;
};

} // namespace

BOOST_AUTO_TEST_SUITE(encoding)

BOOST_AUTO_TEST_CASE(names_are_escaped_as_rfc_7578_and_browsers_write_them) {
    BOOST_TEST(escape_form_name("plain ñame.jpg") == "plain ñame.jpg");
    BOOST_TEST(escape_form_name("a\"b\r\nc") == "a%22b%0D%0Ac");
    BOOST_TEST(escape_form_name("%22") == "%22"); // as written: servers do not decode
}

BOOST_AUTO_TEST_CASE(a_boundary_is_random_and_long) {
    multipart_form form;
    auto one = choose_boundary(form);
    auto two = choose_boundary(form);
    BOOST_TEST(one != two);
    BOOST_TEST(one.size() == 6u + 32u);
    BOOST_TEST(one.starts_with("didit-"));
    BOOST_TEST(form_boundary("multipart/form-data; boundary=" + one).value_or("") == one);
}

BOOST_AUTO_TEST_CASE(content_types_follow_the_extension) {
    BOOST_TEST(content_type_for("a.JPG") == "image/jpeg");
    BOOST_TEST(content_type_for("scan.tiff") == "image/tiff");
    BOOST_TEST(content_type_for("bill.pdf") == "application/pdf");
    BOOST_TEST(content_type_for("noext") == "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(a_file_from_disk_is_a_segment_of_its_own_and_the_length_adds_up) {
    std::string binary = "\r\n--didit-\r\n";
    for (int i = 0; i < 256; ++i)
        binary.push_back(static_cast<char>(i));
    scratch_file on_disk{binary + "disk"};
    multipart_form form;
    form.field("vendor_data", "v-1");
    form.file("user_image", upload::from_memory(binary, "face.jpg", "image/jpeg"));
    form.file("ref_image", upload::from_path(on_disk.path.string()));
    encoded_form out;
    auto boundary = choose_boundary(form);
    BOOST_REQUIRE(encode_form(form, boundary, "/v3/face-match/", out).empty());
    BOOST_TEST(out.content_type == "multipart/form-data; boundary=" + boundary);
    BOOST_REQUIRE(out.segments.size() == 2u); // text up to the disk file, then the closing
    BOOST_TEST(out.segments[0].file == on_disk.path);
    BOOST_TEST(out.segments[0].field == "ref_image");
    auto body = wire_body(out);
    BOOST_TEST(body.size() == out.length);
    BOOST_TEST(body.ends_with("--" + boundary + "--\r\n"));

    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{65536}}) {
        auto parsed = parse_in_pieces(body, boundary, piece);
        BOOST_REQUIRE(parsed.parts().size() == 3u);
        BOOST_TEST(parsed.parts()[0].content == "v-1");
        BOOST_TEST(parsed.parts()[1].content == binary);
        BOOST_TEST(parsed.parts()[1].content_type == "image/jpeg");
        BOOST_TEST(parsed.parts()[2].content == binary + "disk");
        BOOST_TEST(parsed.parts()[2].content_type == "image/png"); // from the extension
        BOOST_TEST(parsed.parts()[2].file_name.value_or("") == on_disk.path.filename().string());
    }
}

BOOST_AUTO_TEST_CASE(limits_are_the_references_per_endpoint_and_field) {
    constexpr std::uint64_t mb = 1024 * 1024;
    BOOST_TEST(upload_limit("/v3/face-match/", "ref_image") == 5 * mb);
    BOOST_TEST(upload_limit("/v3/poa/", "document") == 15 * mb);
    BOOST_TEST(upload_limit("/v3/document-ai/", "document") == 30 * mb);
    BOOST_TEST(upload_limit("/v3/customization/", "logo") == 0u);
    multipart_form form;
    form.file("user_image", upload::from_memory(std::string(5 * mb + 1, 'x'), "big.jpg"));
    encoded_form out;
    auto problem = encode_form(form, "b", "/v3/passive-liveness/", out);
    BOOST_TEST(problem.find("'user_image'") != std::string::npos, problem);
    BOOST_TEST(problem.find("5 MB") != std::string::npos, problem);
    BOOST_TEST(encode_form(form, "b", "/v3/customization/", out).empty()); // no limit there
}

BOOST_AUTO_TEST_CASE(unusable_files_and_types_are_refused_naming_the_field) {
    encoded_form out;
    multipart_form missing;
    missing.file("document", upload::from_path("/nonexistent/bill.pdf"));
    auto problem = encode_form(missing, "b", "/v3/poa/", out);
    BOOST_TEST(problem.find("'document'") != std::string::npos, problem);
    multipart_form injected;
    injected.file("document", upload::from_memory("x", "a.pdf", "application/pdf\r\nX-Evil: 1"));
    problem = encode_form(injected, "b", "/v3/poa/", out);
    BOOST_TEST(problem.find("control characters") != std::string::npos, problem);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parsing)

BOOST_AUTO_TEST_CASE(a_boundary_lookalike_inside_a_file_is_content) {
    const std::string boundary = "XyZ";
    std::string content = "\r\n--XyQ\r\n--Xy\r\n--X";
    std::string body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
                       "filename=\"a.bin\"\r\n\r\n" +
                       content + "\r\n--XyZ--\r\nepilogue";
    auto parsed = parse_in_pieces(body, boundary, 1);
    BOOST_REQUIRE(parsed.parts().size() == 1u);
    BOOST_TEST(parsed.parts()[0].content == content);
    BOOST_TEST(parsed.parts()[0].size == content.size());
    BOOST_TEST(parsed.find("f") != nullptr);
}

BOOST_AUTO_TEST_CASE(broken_forms_are_told_apart) {
    form_parser unfinished{"B"};
    BOOST_TEST(unfinished.feed("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"));
    BOOST_TEST(!unfinished.finish());
    BOOST_TEST(unfinished.problem().find("closing boundary") != std::string::npos);
    form_parser nameless{"B"};
    BOOST_TEST(!nameless.feed("--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--"));
    BOOST_TEST(nameless.problem().find("Content-Disposition") != std::string::npos);
    BOOST_TEST(!form_boundary("application/json").has_value());
    BOOST_TEST(form_boundary("multipart/form-data; boundary=\"q r\"").value_or("") == "q r");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(check_answers)

BOOST_AUTO_TEST_CASE(every_documented_shape_is_read) {
    check_result out;
    didit::diagnostics diag;
    // Age estimation under the skill document's key, with In Review.
    BOOST_REQUIRE(!read_check_result(
        R"({"request_id":"r1","liveness":{"status":"In Review","score":70.5,"age_estimation":17.2,
            "warnings":[{"risk":"AGE_BELOW_MINIMUM","log_type":"warning"}]}})",
        "age_estimation", out, diag));
    BOOST_TEST((out.status == check_status::in_review));
    BOOST_TEST(out.age.value_or(0) == 17.2);
    BOOST_TEST(out.warnings.at(0).risk == "AGE_BELOW_MINIMUM");
    // Database validation, both shapes.
    out = {};
    BOOST_REQUIRE(!read_check_result(
        R"({"request_id":"r2","status":"Approved","match_type":"full_match","validations":[]})",
        "database_validation", out, diag));
    BOOST_TEST(out.match_type == "full_match");
    out = {};
    BOOST_REQUIRE(!read_check_result(
        R"({"request_id":"r3","database_validation":{"status":"Declined","match_type":"no_match"}})",
        "database_validation", out, diag));
    BOOST_TEST((out.status == check_status::declined));
    // A code check at the top level; an undocumented status is kept as text.
    out = {};
    BOOST_REQUIRE(!read_check_result(
        R"({"request_id":"r4","status":"Expired or Not Found","message":"none pending"})", "", out,
        diag));
    BOOST_TEST((out.status == check_status::expired_or_not_found));
    BOOST_TEST(out.message == "none pending");
    out = {};
    BOOST_REQUIRE(
        !read_check_result(R"({"request_id":"r5","aml":{"status":"Rejected"}})", "aml", out, diag));
    BOOST_TEST((out.status == check_status::unknown));
    BOOST_TEST(out.status_text == "Rejected");
}

BOOST_AUTO_TEST_CASE(an_answer_without_an_id_or_a_status_is_invalid) {
    check_result out;
    didit::diagnostics diag;
    BOOST_TEST((read_check_result(R"({"face_match":{"status":"Approved"}})", "face_match", out,
                                  diag) == didit::error::invalid_response));
    BOOST_TEST((read_check_result(R"({"request_id":"r","face_match":{"status":3}})", "face_match",
                                  out, diag) == didit::error::invalid_response));
    BOOST_TEST(diag.message.find("face_match.status") != std::string::npos, diag.message);
    BOOST_TEST((read_check_result("<html>", "aml", out, diag) == didit::error::invalid_response));
}

BOOST_AUTO_TEST_SUITE_END()
