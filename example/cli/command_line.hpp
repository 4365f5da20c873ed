#pragma once
// The didit tool's command line: a subcommand, one positional argument, and flags.

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace didit_cli {

struct usage_error {
    std::string what;
};

/// The subcommand, its positional arguments and its flags (a flag may repeat; -H is "header").
struct command_line {
    std::string command;
    std::string argument;
    std::string second_argument; ///< `didit call METHOD PATH`: the path
    std::multimap<std::string, std::string> flags;
    std::vector<std::pair<std::string, std::string>> ordered; ///< the flags as given

    std::optional<std::string> flag(const std::string& name) const {
        auto found = flags.find(name);
        return found == flags.end() ? std::nullopt : std::optional{found->second};
    }
    std::string required(const std::string& name) const { return std::string{required_view(name)}; }
    /// Views of a flag's value, which lives as long as the command line: for the library's
    /// request types, which hold views.
    std::string_view required_view(const std::string& name) const {
        auto found = flags.find(name);
        if (found == flags.end())
            throw usage_error{"missing --" + name};
        return found->second;
    }
    std::string_view view(const std::string& name) const {
        auto found = flags.find(name);
        return found == flags.end() ? std::string_view{} : std::string_view{found->second};
    }
};

/// Flags that take no value.
inline bool is_switch(std::string_view flag) {
    return flag == "--all" || flag == "--allow-simple" || flag == "--verbose";
}

inline std::uint64_t number_flag(const command_line& line, const std::string& name) {
    auto text = line.flag(name).value_or("0");
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw usage_error{"--" + name + " must be a number"};
    return value;
}

inline command_line parse(int argc, char** argv) {
    command_line line;
    int first = 1;
    for (; first < argc && is_switch(argv[first]); ++first) // `didit --verbose create ...`
        line.flags.emplace(std::string{argv[first]}.substr(2), "");
    if (first >= argc)
        throw usage_error{"missing subcommand"};
    line.command = argv[first];
    for (int i = first + 1; i < argc; ++i) {
        std::string word = argv[i];
        if (is_switch(word)) {
            line.flags.emplace(word.substr(2), "");
        } else if (word == "-H") { // a header, curl style: -H 'Name: value'
            if (i + 1 >= argc)
                throw usage_error{"missing value for -H"};
            line.flags.emplace("header", argv[++i]);
        } else if (word.starts_with("--")) {
            if (i + 1 >= argc)
                throw usage_error{"missing value for " + word};
            line.flags.emplace(word.substr(2), argv[i + 1]);
            line.ordered.emplace_back(word.substr(2), argv[++i]);
        } else if (line.argument.empty()) {
            line.argument = word;
        } else if (line.command == "call" && line.second_argument.empty()) {
            line.second_argument = word;
        } else {
            throw usage_error{"unexpected argument " + word};
        }
    }
    return line;
}

} // namespace didit_cli
