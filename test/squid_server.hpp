#pragma once
// A real forward proxy (Debian's squid) for the tests, on a free loopback port, with Basic
// authentication: started, read back through its access log, stopped.

#include "child_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace didit_test {

class squid_server {
public:
    /// Accepts `user`:`password` (a password hashed with `openssl passwd -apr1`, which squid's
    /// basic_ncsa_auth reads).
    squid_server(std::string user, std::string password)
        : user_(std::move(user)), password_(std::move(password)), port_(free_port()),
          directory_(std::filesystem::temp_directory_path() /
                     ("didit-squid-" + std::to_string(::getpid()) + "-" + std::to_string(port_))) {
        std::filesystem::create_directories(directory_);
        // squid started as root works as the `proxy` user: it must write here.
        std::filesystem::permissions(directory_, std::filesystem::perms::all);
        write_passwords();
        write_config();
        start();
    }
    ~squid_server() {
        process_.reset();
        std::filesystem::remove_all(directory_);
    }

    unsigned short port() const { return port_; }

    /// http://user:password@127.0.0.1:PORT, or with other credentials.
    std::string url(const std::string& user, const std::string& password) const {
        return "http://" + user + ":" + password + "@127.0.0.1:" + std::to_string(port_);
    }
    std::string url() const { return url(user_, password_); }

    /// Ends squid and waits until it has exited, so that every transaction it saw, the tunnels
    /// it closed on the way out included, is in the access log.
    void stop() {
        if (!process_)
            return;
        process_->signal(SIGTERM);
        process_->wait();
        process_.reset();
    }

    /// The access log's lines (squid writes a tunnel's line when the tunnel ends: stop() first).
    std::vector<std::string> access_log() const {
        std::vector<std::string> lines;
        std::ifstream in{directory_ / "access.log"};
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
        return lines;
    }

    /// How many access-log lines are CONNECTs to `authority` (host:port) that squid let through.
    std::size_t tunnels_to(const std::string& authority) const {
        std::size_t count = 0;
        for (const auto& line : access_log())
            if (line.find(" CONNECT " + authority + " ") != std::string::npos &&
                line.find("TCP_TUNNEL/200") != std::string::npos)
                ++count;
        return count;
    }

private:
    static unsigned short free_port() {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor probe{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
        return probe.local_endpoint().port();
    }

    void write_passwords() {
        child_process hash{{"openssl", "passwd", "-apr1", password_}};
        auto hashed = hash.read_line();
        BOOST_REQUIRE(hashed.has_value());
        std::ofstream{directory_ / "passwd"} << user_ << ":" << *hashed << "\n";
    }

    void write_config() {
        auto dir = directory_.string();
        std::ofstream out{directory_ / "squid.conf"};
        out << "http_port 127.0.0.1:" << port_ << "\n"
            << "pid_filename " << dir << "/squid.pid\n"
            << "access_log stdio:" << dir << "/access.log\n"
            << "cache_log " << dir << "/cache.log\n"
            << "coredump_dir " << dir << "\n"
            << "cache deny all\n"
            << "shutdown_lifetime 0 seconds\n"
            << "auth_param basic program /usr/lib/squid/basic_ncsa_auth " << dir << "/passwd\n"
            << "auth_param basic children 2\n"
            << "acl authenticated proxy_auth REQUIRED\n"
            << "http_access allow authenticated\n"
            << "http_access deny all\n";
    }

    /// Starts squid in the foreground; returns once it accepts connections (it says so).
    void start() {
        process_ = std::make_unique<child_process>(std::vector<std::string>{
            "/usr/sbin/squid", "-N", "-d", "1", "-f", (directory_ / "squid.conf").string()});
        while (auto line = process_->read_line())
            if (line->find("Accepting HTTP Socket connections") != std::string::npos)
                return;
        BOOST_FAIL("squid ended before accepting connections");
    }

    std::string user_;
    std::string password_;
    unsigned short port_;
    std::filesystem::path directory_;
    std::unique_ptr<child_process> process_;
};

} // namespace didit_test
