// didit-server: an example backend that embeds one didit::client (see verification_server.hpp).
//
//   didit-server [--port N] [--threads N]
//
// With DIDIT_CLIENT_ID/DIDIT_CLIENT_SECRET or DIDIT_API_KEY (+ DIDIT_WORKFLOW_ID) set, it talks
// to that Didit and checks webhooks with DIDIT_WEBHOOK_SECRET; with neither, it starts an
// embedded emulator whose webhooks come back to this server, so everything works offline:
//
//   curl -s -XPOST localhost:8080/verifications -d '{"user_id":"alice"}'
//   curl -s localhost:8080/verifications/alice

#include "verification_server.hpp"

#include <didit/emulator.hpp>

#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

namespace {

std::string env_or(const char* name, std::string fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string{value} : fallback;
}

bool number(std::string_view text, unsigned long& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

int main(int argc, char** argv) {
    example::server_settings settings;
    settings.port = 8080;
    unsigned long threads = std::max(2u, std::thread::hardware_concurrency());
    constexpr const char* usage_text = "usage: didit-server [--port N] [--threads N]\n";
    for (int i = 1; i < argc; i += 2) {
        std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::cout << usage_text;
            return 0;
        }
        if (i + 1 == argc) {
            std::cerr << "didit-server: missing value for " << flag << "\n" << usage_text;
            return 2;
        }
        unsigned long value = 0;
        if (!number(argv[i + 1], value) || (flag != "--port" && flag != "--threads") ||
            (flag == "--port" && value > 65535) || (flag == "--threads" && value == 0)) {
            std::cerr << usage_text;
            return 2;
        }
        if (flag == "--port")
            settings.port = static_cast<unsigned short>(value);
        else
            threads = value;
    }
    try {
        std::optional<didit::emulator::server> emulator;
        auto cfg = didit::emulator::config_from_env_or_emulator(emulator);
        settings.workflow_id = env_or("DIDIT_WORKFLOW_ID", "11111111-2222-3333-4444-555555555555");
        settings.webhook_secret = env_or(
            "DIDIT_WEBHOOK_SECRET", emulator ? didit::emulator::webhook_settings{}.secret : "");
        if (settings.webhook_secret.empty()) {
            std::cerr << "didit-server: set DIDIT_WEBHOOK_SECRET to the application's webhook "
                         "secret key\n";
            return 1;
        }

        settings.metrics = std::make_shared<didit::metrics>();
        cfg.observer = settings.metrics;
        boost::asio::io_context io{static_cast<int>(threads)};
        didit::client client{io.get_executor(), cfg};
        example::verification_server server{io, client, settings};
        if (emulator)
            emulator->set_webhooks(
                {.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/webhooks/didit"});
        std::cout << "didit-server on http://127.0.0.1:" << server.port() << " with " << threads
                  << " threads" << (emulator ? ", against an embedded Didit emulator" : "")
                  << std::endl;

        boost::asio::signal_set signals{io, SIGINT, SIGTERM};
        signals.async_wait([&](auto, int) { io.stop(); });
        std::vector<std::jthread> pool;
        for (unsigned long i = 1; i < threads; ++i)
            pool.emplace_back([&io] { io.run(); });
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "didit-server: " << e.what() << "\n";
        return 1;
    }
}
