#pragma once
// Programs the tests start (redis-server, didit-bench): spawned with posix_spawn, their
// standard output on a pipe the test reads, stopped and reaped by the destructor.

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <optional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace didit_test {

class child_process {
public:
    /// Runs `argv[0]` (looked up in PATH) with `argv`, the test's environment plus `env`
    /// ("NAME=value"; a name given here replaces the inherited one).
    explicit child_process(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env = {}) {
        int pipe_ends[2];
        BOOST_REQUIRE(::pipe(pipe_ends) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDERR_FILENO);
        posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
        posix_spawn_file_actions_addclose(&actions, pipe_ends[1]);
        std::vector<std::string> environment;
        for (char** entry = environ; *entry != nullptr; ++entry) {
            std::string text{*entry};
            bool replaced = false;
            for (const auto& given : env)
                replaced |=
                    text.compare(0, given.find('=') + 1, given, 0, given.find('=') + 1) == 0;
            if (!replaced)
                environment.push_back(std::move(text));
        }
        environment.insert(environment.end(), env.begin(), env.end());
        auto pointers = [](std::vector<std::string>& texts) {
            std::vector<char*> out;
            for (auto& text : texts)
                out.push_back(text.data());
            out.push_back(nullptr);
            return out;
        };
        auto arguments = argv;
        auto argument_pointers = pointers(arguments);
        auto environment_pointers = pointers(environment);
        int failed = posix_spawnp(&pid_, arguments[0].c_str(), &actions, nullptr,
                                  argument_pointers.data(), environment_pointers.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(pipe_ends[1]);
        BOOST_REQUIRE_MESSAGE(failed == 0, "cannot start " << arguments[0]);
        output_ = ::fdopen(pipe_ends[0], "r");
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process() {
        if (running_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
        if (output_ != nullptr)
            std::fclose(output_);
    }

    /// The next line of standard output, without its newline; nullopt at its end.
    std::optional<std::string> read_line() {
        std::string line;
        for (int c; (c = std::fgetc(output_)) != EOF;) {
            if (c == '\n')
                return line;
            line += static_cast<char>(c);
        }
        if (line.empty())
            return std::nullopt;
        return line;
    }

    /// Everything left on standard output.
    std::string read_all() {
        std::string text;
        while (auto line = read_line())
            text.append(*line).append("\n");
        return text;
    }

    void signal(int number) { ::kill(pid_, number); }

    /// Waits for the process to end; its exit status, or -1 if a signal ended it.
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        running_ = false;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
    bool running_ = true;
    std::FILE* output_ = nullptr;
};

} // namespace didit_test
