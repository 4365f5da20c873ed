// config::from_env with hostile environment values. Input: lines NAME=VALUE for the
// variables the client reads. A bad value is a config_error naming the field; anything else
// escaping is a finding, and the secrets never appear in the message.
#include <didit/config.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// Not DIDIT_CA_FILE: opening a path the fuzzer names (a FIFO, a device) could block forever.
constexpr std::array<const char*, 10> variables{
    "DIDIT_API_KEY", "DIDIT_CLIENT_ID",   "DIDIT_CLIENT_SECRET", "DIDIT_AUTH_URL",
    "DIDIT_API_URL", "DIDIT_RATE_LIMITS", "DIDIT_REDIS_URL",     "DIDIT_FLEET_SHARE",
    "https_proxy",   "no_proxy"};
// Secrets start with this, so that finding them in a message is unambiguous.
constexpr std::string_view secret_mark = "Zq9sEcReT";

// "NAME=value" per variable, handed to putenv: unlike setenv, which never frees a value it
// replaces, this keeps the fuzzer's memory flat over millions of inputs.
std::array<std::string, variables.size()> entries;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    for (const char* name : variables)
        unsetenv(name);
    std::string_view rest{reinterpret_cast<const char*>(data), size};
    while (!rest.empty()) {
        auto end = rest.find('\n');
        auto line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (line.empty() || line.find('\0') != std::string_view::npos)
            continue;
        auto which = static_cast<unsigned char>(line[0]) % variables.size();
        auto& entry = entries[which];
        entry.assign(variables[which]).append("=");
        if (which == 0 || which == 2) // DIDIT_API_KEY, DIDIT_CLIENT_SECRET
            entry.append(secret_mark);
        if (which == 6) // DIDIT_REDIS_URL, with a password
            entry.append("redis://:").append(secret_mark);
        if (which == 8) // https_proxy, with a password
            entry.append("http://user:").append(secret_mark);
        entry.append(line.substr(1));
        putenv(entry.data());
    }
    try {
        auto config = didit::config::from_env();
        (void)config;
    } catch (const didit::config_error& e) {
        std::string_view message = e.what();
        if (message.find(secret_mark) != std::string_view::npos ||
            message.find("didit::config") != 0)
            __builtin_trap();
    }
    return 0;
}
