// didit-emulator: a Didit emulator on loopback, for trying an integration offline.
//
//   didit-emulator [--port N] [--client-id ID] [--client-secret SECRET] [--api-key KEY]
//                  [--token-lifetime SECONDS] [--cert-out FILE]
//                  [--webhook-url http(s)://HOST:PORT/PATH] [--webhook-ca FILE]
//                  [--webhook-secret SECRET]

#include <didit/emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string_view>

namespace {

constexpr const char* usage_text =
    "usage: didit-emulator [--port N] [--client-id ID] [--client-secret SECRET]\n"
    "                      [--api-key KEY]\n"
    "                      [--token-lifetime SECONDS] [--cert-out FILE]\n"
    "                      [--webhook-url http(s)://HOST:PORT/PATH] [--webhook-ca FILE]\n"
    "                      [--webhook-secret S]\n"
    "Serves Didit's v1 and v3 APIs over TLS on 127.0.0.1 and prints the variables a client\n"
    "needs. The control endpoints under /__emulator/ are described in the README.\n";

int usage(std::string_view problem) {
    std::cerr << "didit-emulator: " << problem << "\n" << usage_text;
    return 2;
}

bool parse_number(std::string_view text, long& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

int main(int argc, char** argv) {
    didit::emulator::options opts;
    std::string cert_out;
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h")
            return std::cout << usage_text, 0;
        if (i + 1 >= argc)
            return usage(std::string{"missing value for "} + argv[i]);
        std::string_view value = argv[++i];
        long number = 0;
        if (flag == "--port") {
            if (!parse_number(value, number) || number < 0 || number > 65535)
                return usage("--port takes a number from 0 to 65535");
            opts.port = static_cast<unsigned short>(number);
        } else if (flag == "--token-lifetime") {
            if (!parse_number(value, number) || number <= 0)
                return usage("--token-lifetime takes a positive number of seconds");
            opts.token_lifetime = std::chrono::seconds{number};
        } else if (flag == "--client-id") {
            opts.client_id = value;
        } else if (flag == "--client-secret") {
            opts.client_secret = value;
        } else if (flag == "--api-key") {
            opts.api_key = value;
        } else if (flag == "--webhook-url") {
            if (!value.starts_with("http://") && !value.starts_with("https://"))
                return usage("--webhook-url takes an http:// or https:// URL");
            opts.webhooks.url = value;
        } else if (flag == "--webhook-ca") {
            std::ifstream file{std::string{value}};
            if (!file)
                return usage("--webhook-ca names a file that cannot be read");
            opts.webhooks.ca_pem.assign(std::istreambuf_iterator<char>{file}, {});
        } else if (flag == "--webhook-secret") {
            opts.webhooks.secret = value;
        } else if (flag == "--cert-out") {
            cert_out = value;
        } else {
            return usage(std::string{"unknown option "} + argv[i - 1]);
        }
    }

    try {
        didit::emulator::server emulator{opts};
        if (cert_out.empty())
            cert_out = "didit-emulator-ca.pem";
        std::ofstream{cert_out} << emulator.certificate_pem();
        auto ca_path = std::filesystem::absolute(cert_out).string();
        // Every variable a client needs, live, the emulator's own test credentials included:
        // they open nothing but this emulator. Didit's own clients read DIDIT_API_BASE_URL and
        // DIDIT_AUTH_BASE_URL (without them they would send the key to the production host),
        // and Node trusts the certificate through NODE_EXTRA_CA_CERTS.
        std::cout << "didit-emulator listening on " << emulator.url() << "\n"
                  << "# didit-cpp (DIDIT_API_KEY selects v3; unset it for v1's client "
                     "credentials):\n"
                  << "export DIDIT_AUTH_URL=" << emulator.url() << "\n"
                  << "export DIDIT_API_URL=" << emulator.url() << "\n"
                  << "export DIDIT_CA_FILE=" << ca_path << "\n"
                  << "export DIDIT_CLIENT_ID=" << opts.client_id << "\n"
                  << "export DIDIT_CLIENT_SECRET=" << opts.client_secret << "\n"
                  << "export DIDIT_API_KEY=" << opts.api_key << "\n"
                  << "# Didit's official clients (e.g. @didit-protocol/mcp-server):\n"
                  << "export DIDIT_API_BASE_URL=" << emulator.url() << "/v3\n"
                  << "export DIDIT_AUTH_BASE_URL=" << emulator.url() << "/auth/v2\n"
                  << "export NODE_EXTRA_CA_CERTS=" << ca_path << "\n"
                  << "export DIDIT_RATE_LIMITS=off   # this emulator enforces no rate limits\n";
        if (!opts.webhooks.url.empty())
            std::cout << "  webhooks go to " << opts.webhooks.url << ", signed with "
                      << (opts.webhooks.secret == didit::emulator::webhook_settings{}.secret
                              ? "the test secret " + opts.webhooks.secret
                              : std::string{"the --webhook-secret given"})
                      << "\n";
        std::cout << std::flush;
        boost::asio::io_context signals_context;
        boost::asio::signal_set signals{signals_context, SIGINT, SIGTERM};
        signals.async_wait([](auto, int) {});
        signals_context.run();
    } catch (const std::exception& e) {
        std::cerr << "didit-emulator: " << e.what() << "\n";
        return 1;
    }
}
