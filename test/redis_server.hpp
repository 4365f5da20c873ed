#pragma once
// A real redis-server (Debian's) for the tests, on a free loopback port: started, stopped,
// paused and restarted on the same port, optionally with TLS and a password.

#include "child_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <fstream>
#include <memory>

namespace didit_test {

struct redis_options {
    std::string password{};        ///< requirepass; empty: none
    std::string certificate_pem{}; ///< with the key: TLS only (rediss://)
    std::string private_key_pem{};
};

class redis_server {
public:
    explicit redis_server(redis_options options = {})
        : options_(std::move(options)), port_(free_port()),
          directory_(std::filesystem::temp_directory_path() /
                     ("didit-redis-" + std::to_string(::getpid()) + "-" + std::to_string(port_))) {
        std::filesystem::create_directories(directory_);
        if (!options_.certificate_pem.empty()) {
            std::ofstream{directory_ / "cert.pem"} << options_.certificate_pem;
            std::ofstream{directory_ / "key.pem"} << options_.private_key_pem;
        }
        start();
    }
    ~redis_server() {
        process_.reset();
        std::filesystem::remove_all(directory_);
    }

    unsigned short port() const { return port_; }

    /// redis://127.0.0.1:PORT, or rediss://:password@127.0.0.1:PORT with TLS (the certificate
    /// must name 127.0.0.1).
    std::string url() const {
        std::string auth = options_.password.empty() ? "" : ":" + options_.password + "@";
        if (!options_.certificate_pem.empty())
            return "rediss://" + auth + "127.0.0.1:" + std::to_string(port_);
        return "redis://" + auth + "127.0.0.1:" + std::to_string(port_);
    }

    /// Starts the server; returns once it accepts connections (it says so on stdout).
    void start() {
        std::vector<std::string> argv{"redis-server",     "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly",     "no",     "--logfile", "",       "--dir",
                                      directory_.string()};
        auto port = std::to_string(port_);
        if (options_.certificate_pem.empty()) {
            argv.insert(argv.end(), {"--port", port});
        } else {
            argv.insert(argv.end(),
                        {"--port", "0", "--tls-port", port, "--tls-cert-file",
                         (directory_ / "cert.pem").string(), "--tls-key-file",
                         (directory_ / "key.pem").string(), "--tls-auth-clients", "no"});
        }
        if (!options_.password.empty())
            argv.insert(argv.end(), {"--requirepass", options_.password});
        process_ = std::make_unique<child_process>(argv);
        while (auto line = process_->read_line())
            if (line->find("Ready to accept connections") != std::string::npos)
                return;
        BOOST_FAIL("redis-server ended before accepting connections");
    }

    /// Ends the server (SIGTERM) and waits until it has exited: its port refuses connections.
    void stop() {
        process_->signal(SIGTERM);
        process_->wait();
        process_.reset();
    }

    /// Freezes the server (SIGSTOP): connections stay open but nothing is answered.
    void pause() { process_->signal(SIGSTOP); }
    void resume() { process_->signal(SIGCONT); }

private:
    static unsigned short free_port() {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor probe{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
        return probe.local_endpoint().port();
    }

    redis_options options_;
    unsigned short port_;
    std::filesystem::path directory_;
    std::unique_ptr<child_process> process_;
};

} // namespace didit_test
