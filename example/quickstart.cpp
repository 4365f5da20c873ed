// Quickstart: create a verification session and print it as JSON.
//
// With DIDIT_CLIENT_ID and DIDIT_CLIENT_SECRET (v1), or DIDIT_API_KEY and DIDIT_WORKFLOW_ID (v3),
// talks to the service the DIDIT_* variables name. Without them, starts the bundled emulator
// in-process and talks to it.

#include <didit/didit.hpp>
#include <didit/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

namespace asio = boost::asio;

/// v1 sessions name their features; v3 sessions name a workflow from the Console. (A plain
/// function: both calls return the same awaitable type, and the request is copied before
/// each call returns.)
asio::awaitable<didit::session> create(didit::client& client, didit::api_generation generation) {
    if (generation == didit::api_generation::v1)
        return client.create_session({
            .callback = "https://example.com/kyc/done",
            .features = didit::features::ocr_nfc_face,
            .vendor_data = "user-8d7f5c1e",
        });
    const char* workflow = std::getenv("DIDIT_WORKFLOW_ID");
    return client.create_workflow_session({
        .workflow_id = workflow != nullptr ? workflow : "",
        .vendor_data = "user-8d7f5c1e",
        .callback = "https://example.com/kyc/done",
    });
}

asio::awaitable<void> verify_one_user(didit::config cfg) {
    auto generation = cfg.generation();
    didit::client client{co_await asio::this_coro::executor, std::move(cfg)};
    try {
        didit::session s = co_await create(client, generation);
        boost::json::object out{
            {"session_id", s.session_id}, {"session_token", s.session_token}, {"url", s.url}};
        std::cout << boost::json::serialize(out) << "\n";
    } catch (const didit::api_error& e) {
        // what() is the error alone; the service's explanation is in the diagnostics.
        std::cerr << "create_session failed: " << e.what();
        const auto& diag = e.diagnostics();
        if (diag.http_status != 0)
            std::cerr << " (HTTP " << diag.http_status << ": " << diag.detail << ")";
        if (!diag.message.empty())
            std::cerr << " [" << diag.message << "]";
        std::cerr << "\n";
        throw;
    }
}

int main() {
    try {
        std::optional<didit::emulator::server> emulator;
        auto cfg = didit::emulator::config_from_env_or_emulator(emulator);
        if (emulator)
            std::cerr << "no DIDIT_* credentials set: using the embedded emulator at "
                      << emulator->url() << "\n";
        asio::io_context io;
        bool ok = false;
        asio::co_spawn(io, verify_one_user(cfg),
                       [&](std::exception_ptr failure) { ok = !failure; });
        io.run();
        return ok ? EXIT_SUCCESS : EXIT_FAILURE;
    } catch (const std::exception& e) {
        std::cerr << "quickstart: " << e.what() << "\n";
        return EXIT_FAILURE;
    }
}
