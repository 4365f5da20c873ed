#define BOOST_TEST_MODULE session management
#include "support.hpp"

using namespace didit_test;
using didit::error;
using didit::review_status;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

/// Runs one operation that completes with `void(error_code[, T])` to completion.
template <class Start> didit::error_code run(fixture& f, Start start) {
    std::vector<outcome> outs(1);
    start([&](didit::error_code ec, auto&&...) {
        outs[0].ec = ec;
        outs[0].done = true;
    });
    f.run_until_done(outs);
    return outs[0].ec;
}

std::string create_v3(fixture& f) {
    std::string id;
    run(f, [&](auto done) {
        f.client->create_workflow_session({.workflow_id = workflow},
                                          [&, done](didit::error_code ec, didit::session s) {
                                              id = s.session_id;
                                              done(ec);
                                          });
    });
    return id;
}

} // namespace

BOOST_AUTO_TEST_SUITE(v1)

BOOST_AUTO_TEST_CASE(review_export_and_delete_a_finished_session) {
    fixture f;
    auto created = f.create();
    BOOST_REQUIRE(!created.ec);
    const auto id = created.session.session_id;
    BOOST_REQUIRE(f.emulator.finish_session(id, "In Review"));

    didit::diagnostics diag;
    auto ec = run(f, [&](auto done) {
        f.client->update_status(
            {.session_id = id, .new_status = review_status::declined, .comment = "blurry"}, diag,
            done);
    });
    BOOST_TEST(!ec, ec.message() + " " + diag.detail);
    BOOST_TEST(f.emulator.session_status(id).value_or("gone") == "Declined");

    didit::pdf_document pdf;
    ec = run(f, [&](auto done) {
        f.client->generate_pdf(id, [&, done](didit::error_code e, didit::pdf_document d) {
            pdf = std::move(d);
            done(e);
        });
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(pdf.content.starts_with("%PDF-"));
    BOOST_TEST(pdf.filename == "session_" + id + ".pdf");

    BOOST_TEST(!run(f, [&](auto done) { f.client->delete_session(id, done); }));
    BOOST_TEST(!f.emulator.session_status(id).has_value());
    auto again = run(f, [&](auto done) { f.client->delete_session(id, done); });
    BOOST_TEST((again == error::not_found)); // soft delete is not idempotent
    auto pdf_after = run(f, [&](auto done) { f.client->generate_pdf(id, done); });
    BOOST_TEST((pdf_after == error::not_found));
}

BOOST_AUTO_TEST_CASE(v1_names_no_status_precondition_for_review_or_report) {
    // The "finished sessions only" rules of update-status and the PDF are v3's (reference
    // 2.4, 2.7); v1's pages (1.4, 1.5) name none, so a v1 session is held to neither.
    fixture f;
    const auto id = f.create().session.session_id;
    didit::diagnostics diag;
    auto pdf = run(f, [&](auto done) { f.client->generate_pdf(id, diag, done); });
    BOOST_TEST(!pdf, pdf.message() + " " + diag.detail);
    auto ec = run(f, [&](auto done) {
        f.client->update_status({.session_id = id, .new_status = review_status::approved}, diag,
                                done);
    });
    BOOST_TEST(!ec, ec.message() + " " + diag.detail);
    BOOST_TEST(f.emulator.session_status(id).value_or("") == "Approved");
}

BOOST_AUTO_TEST_CASE(sessions_move_along_the_lifecycle_only) {
    fixture f;
    const auto abandoned = f.create(1).session.session_id;
    BOOST_TEST(f.emulator.finish_session(abandoned, "In Progress"));
    BOOST_TEST(!f.emulator.finish_session(abandoned, "In Progress"));
    BOOST_TEST(f.emulator.finish_session(abandoned, "Abandoned"));
    BOOST_TEST(!f.emulator.finish_session(abandoned, "Approved"));
    BOOST_TEST(f.emulator.session_status(abandoned).value_or("") == "Abandoned");

    const auto expired = f.create(2).session.session_id;
    BOOST_TEST(f.emulator.finish_session(expired, "Expired"));
    BOOST_TEST(!f.emulator.finish_session(expired, "Kyc Expired"));

    const auto approved = f.create(3).session.session_id;
    BOOST_TEST(!f.emulator.finish_session(approved, "Kyc Expired"));
    BOOST_TEST(f.emulator.finish_session(approved, "Approved"));
    BOOST_TEST(f.emulator.finish_session(approved, "Kyc Expired"));
    BOOST_TEST(!f.emulator.finish_session(approved, "Not Started"));
}

BOOST_AUTO_TEST_CASE(v3_only_options_fail_before_any_traffic) {
    fixture f;
    didit::diagnostics diag;
    auto ec = run(f, [&](auto done) {
        f.client->update_status({.session_id = "abc",
                                 .new_status = review_status::resubmitted,
                                 .nodes_to_resubmit = {"feature_ocr"}},
                                diag, done);
    });
    BOOST_TEST((ec == error::invalid_request));
    BOOST_TEST(diag.message.find("v3") != std::string::npos);
    auto batch = run(
        f, [&](auto done) { f.client->delete_sessions({.session_numbers = {1001}}, diag, done); });
    BOOST_TEST((batch == error::unsupported_operation));
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(ids_that_could_change_the_path_are_refused) {
    fixture f;
    for (auto id : {"", "../../v3/sessions", "a/b", "a?b=c", "a%2F"}) {
        didit::diagnostics diag;
        auto ec = run(f, [&](auto done) { f.client->delete_session(id, diag, done); });
        BOOST_TEST_CONTEXT(id) {
            BOOST_TEST((ec == error::invalid_request));
            BOOST_TEST(diag.message.find("session_id") != std::string::npos);
        }
    }
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(a_pdf_over_the_limit_or_not_a_pdf_is_refused) {
    fixture f{{}, [](didit::config& cfg) { cfg.max_pdf_bytes = 4096; }};
    using fault = didit::emulator::fault;
    f.emulator.inject({.what = fault::kind::respond,
                       .where = didit::emulator::endpoint::generate_pdf,
                       .status = 200,
                       .body = "%PDF-" + std::string(10000, 'x')});
    auto big = run(f, [&](auto done) { f.client->generate_pdf("abc", done); });
    BOOST_TEST((big == error::response_too_large));
    // A read is retried after an unreadable answer; every attempt gets one here.
    f.emulator.inject({.what = fault::kind::respond,
                       .where = didit::emulator::endpoint::generate_pdf,
                       .times = f.cfg.retry.max_attempts,
                       .status = 200,
                       .body = R"({"not":"a pdf"})"});
    auto json = run(f, [&](auto done) { f.client->generate_pdf("abc", done); });
    BOOST_TEST((json == error::invalid_response));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(v3)

BOOST_AUTO_TEST_CASE(an_unfinished_session_cannot_be_reviewed_or_exported) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    const auto id = create_v3(f);
    didit::diagnostics diag;
    auto ec = run(f, [&](auto done) {
        f.client->update_status({.session_id = id, .new_status = review_status::approved}, diag,
                                done);
    });
    BOOST_TEST((ec == error::bad_request));
    BOOST_TEST(diag.detail.find("Not Started") != std::string::npos, diag.detail);
    auto pdf = run(f, [&](auto done) { f.client->generate_pdf(id, diag, done); });
    BOOST_TEST((pdf == error::forbidden));
    BOOST_TEST(diag.http_status == 403);

    // A Kyc Expired session still has its report; an abandoned one has none.
    BOOST_REQUIRE(f.emulator.finish_session(id, "Approved"));
    BOOST_REQUIRE(f.emulator.finish_session(id, "Kyc Expired"));
    BOOST_TEST(!run(f, [&](auto done) { f.client->generate_pdf(id, done); }));
    const auto abandoned = create_v3(f);
    BOOST_REQUIRE(f.emulator.finish_session(abandoned, "Abandoned"));
    BOOST_TEST(
        (run(f, [&](auto done) { f.client->generate_pdf(abandoned, done); }) == error::forbidden));
}

BOOST_AUTO_TEST_CASE(resubmission_of_a_declined_session) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    const auto id = create_v3(f);
    BOOST_REQUIRE(f.emulator.finish_session(id, "Declined"));
    didit::diagnostics diag;
    auto ec = run(f, [&](auto done) {
        f.client->update_status({.session_id = id,
                                 .new_status = review_status::resubmitted,
                                 .comment = "document expired",
                                 .send_email = true,
                                 .email_address = "person@example.com",
                                 .nodes_to_resubmit = {"feature_ocr"}},
                                diag, done);
    });
    BOOST_TEST(!ec, ec.message() + " " + diag.detail);
    BOOST_TEST(f.emulator.session_status(id).value_or("gone") == "Resubmitted");
    BOOST_TEST(f.emulator.stats().requests_with_authorization == 0u);
}

BOOST_AUTO_TEST_CASE(resubmission_needs_nodes_and_an_address_for_email) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    didit::diagnostics diag;
    auto no_nodes = run(f, [&](auto done) {
        f.client->update_status({.session_id = "abc", .new_status = review_status::resubmitted},
                                diag, done);
    });
    BOOST_TEST((no_nodes == error::invalid_request));
    BOOST_TEST(diag.message.find("nodes_to_resubmit") != std::string::npos);
    auto no_address = run(f, [&](auto done) {
        f.client->update_status(
            {.session_id = "abc", .new_status = review_status::approved, .send_email = true}, diag,
            done);
    });
    BOOST_TEST((no_address == error::invalid_request));
    BOOST_TEST(diag.message.find("email_address") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pdf_and_delete_on_the_v3_paths) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    const auto id = create_v3(f);
    BOOST_REQUIRE(f.emulator.finish_session(id, "Approved"));
    didit::pdf_document pdf;
    auto ec = run(f, [&](auto done) {
        f.client->generate_pdf(id, [&, done](didit::error_code e, didit::pdf_document d) {
            pdf = std::move(d);
            done(e);
        });
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(pdf.content.starts_with("%PDF-"));
    BOOST_TEST(!run(f, [&](auto done) { f.client->delete_session(id, done); }));
    BOOST_TEST(
        (run(f, [&](auto done) { f.client->delete_session(id, done); }) == error::not_found));
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.pdf_requests == 1u);
    BOOST_TEST(seen.delete_requests == 2u);
}

// API reference 2.6 / 6.1: today's pages answer 200 with a JSON body, older ones an empty 204.
BOOST_AUTO_TEST_CASE(a_single_delete_answered_200_with_a_body_or_204_empty_succeeds) {
    for (bool older_pages : {false, true}) {
        didit::emulator::options opts;
        opts.single_delete_no_content = older_pages;
        fixture f{opts, [](didit::config& cfg) { cfg = as_v3(cfg); }};
        const auto id = create_v3(f);
        didit::diagnostics diag;
        BOOST_TEST(!run(f, [&](auto done) { f.client->delete_session(id, diag, done); }));
        BOOST_TEST(diag.http_status == (older_pages ? 204 : 200));
        BOOST_TEST(!f.emulator.session_status(id).has_value());
        BOOST_TEST(f.emulator.stats().delete_requests == 1u);
    }
}

BOOST_AUTO_TEST_CASE(batch_deletion_by_number_and_of_everything) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    std::vector<didit::session> created;
    for (int i = 0; i < 3; ++i)
        run(f, [&](auto done) {
            f.client->create_workflow_session({.workflow_id = workflow},
                                              [&, done](didit::error_code e, didit::session s) {
                                                  created.push_back(std::move(s));
                                                  done(e);
                                              });
        });
    BOOST_REQUIRE(created.size() == 3u);
    BOOST_REQUIRE(created[0].session_number.has_value());
    auto ec = run(f, [&](auto done) {
        f.client->delete_sessions({.session_numbers = {*created[0].session_number}}, done);
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(!f.emulator.session_status(created[0].session_id).has_value());
    BOOST_TEST(f.emulator.session_status(created[1].session_id).has_value());

    BOOST_TEST(!run(f, [&](auto done) { f.client->delete_sessions({.delete_all = true}, done); }));
    BOOST_TEST(!f.emulator.session_status(created[2].session_id).has_value());

    didit::diagnostics diag;
    auto empty = run(f, [&](auto done) { f.client->delete_sessions({}, diag, done); });
    BOOST_TEST((empty == error::invalid_request));
}

BOOST_AUTO_TEST_CASE(batch_deletion_takes_every_answer_the_reference_describes) {
    // 204 (older pages), 200 with results[] (the default above), and 202 with a job to poll.
    for (bool no_content : {true, false}) {
        didit::emulator::options opts;
        opts.batch_delete_no_content = no_content;
        opts.batch_job_threshold = 2; // more than two sessions: a job
        opts.batch_job_duration = std::chrono::milliseconds{600};
        fixture f{opts, [](didit::config& cfg) { cfg = as_v3(cfg); }};
        std::vector<std::string> ids;
        for (int i = 0; i < 3; ++i)
            ids.push_back(create_v3(f));
        didit::diagnostics diag;
        auto ec =
            run(f, [&](auto done) { f.client->delete_sessions({.delete_all = true}, diag, done); });
        BOOST_TEST(!ec, ec.message() << " " << diag.message);
        for (const auto& id : ids)
            BOOST_TEST(!f.emulator.session_status(id).has_value()); // all gone when it completes
        // The job was polled until it reported completion (at 250 ms, 750 ms, ...).
        if (no_content)
            BOOST_TEST(f.emulator.stats().deletion_job_polls == 0u);
        else
            BOOST_TEST(f.emulator.stats().deletion_job_polls >= 2u);
    }
}

// As the service's: the job does not wait to be polled.
BOOST_AUTO_TEST_CASE(a_deletion_job_finishes_by_itself) {
    didit::emulator::options opts;
    opts.batch_job_threshold = 1;
    opts.batch_job_duration = std::chrono::milliseconds{1500};
    fixture f{opts, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    std::vector<std::string> ids{create_v3(f), create_v3(f)};
    std::vector<outcome> done(1);
    didit::api_response answer;
    f.client->call("POST", "/v3/sessions/delete/", boost::json::value{{"delete_all", true}},
                   [&](didit::error_code ec, didit::api_response r) {
                       BOOST_TEST(!ec);
                       answer = std::move(r);
                       done[0].done = true;
                   });
    f.run_until_done(done);
    BOOST_TEST(answer.status == 202);
    BOOST_TEST(f.emulator.session_status(ids[0]).has_value()); // not yet
    run_until(f.io, [&] {
        return !f.emulator.session_status(ids[0]) && !f.emulator.session_status(ids[1]);
    });
    BOOST_TEST(f.emulator.stats().deletion_job_polls == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rate_limits)

BOOST_AUTO_TEST_CASE(an_exhausted_scope_answers_429_with_when_to_retry) {
    fixture f;
    f.emulator.enable_rate_limits({.create_session = 3});
    for (std::size_t i = 0; i < 3; ++i)
        BOOST_TEST(!f.create(i).ec);
    auto throttled = f.create(3);
    BOOST_TEST((throttled.ec == error::rate_limited));
    BOOST_TEST((throttled.ec == didit::condition::rate_limited));
    BOOST_TEST((throttled.ec == didit::condition::retryable));
    BOOST_TEST(throttled.diag.http_status == 429);
    BOOST_REQUIRE(throttled.diag.retry_after.has_value());
    BOOST_TEST(throttled.diag.retry_after->count() > 0);
    BOOST_TEST(throttled.diag.retry_after->count() <= 60);
    BOOST_TEST(throttled.diag.detail.find("throttled") != std::string::npos);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.throttled == 1u);
    BOOST_TEST(seen.sessions_created == 3u);
}

BOOST_AUTO_TEST_CASE(the_pdf_scope_is_separate_from_creation) {
    fixture f;
    f.emulator.enable_rate_limits({.generate_pdf = 1});
    const auto id = f.create().session.session_id;
    BOOST_REQUIRE(f.emulator.finish_session(id, "Approved"));
    BOOST_TEST(!run(f, [&](auto done) { f.client->generate_pdf(id, done); }));
    BOOST_TEST(
        (run(f, [&](auto done) { f.client->generate_pdf(id, done); }) == error::rate_limited));
    BOOST_TEST(!f.create(1).ec); // creation is not throttled by the PDF scope
}

BOOST_AUTO_TEST_SUITE_END()
