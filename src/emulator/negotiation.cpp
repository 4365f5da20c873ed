#include "negotiation.hpp"

#include <cctype>

namespace didit::emulator::detail {

namespace {

/// "text/html;q=0" refuses what it names.
bool zero_quality(std::string_view parameters) {
    auto q = parameters.find("q=");
    if (q == std::string_view::npos)
        return false;
    auto value = parameters.substr(q + 2);
    value = value.substr(0, value.find(';'));
    return trim(value).find_first_not_of("0.") == std::string_view::npos;
}

} // namespace

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool same_letters(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool media_type_is(std::string_view content_type, std::string_view type) {
    return same_letters(trim(content_type.substr(0, content_type.find(';'))), type);
}

bool accepts(std::string_view accept, std::string_view type) {
    if (trim(accept).empty())
        return true;
    auto family = type.substr(0, type.find('/'));
    while (!accept.empty()) {
        auto comma = accept.find(',');
        auto range = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        auto semicolon = range.find(';');
        auto name = trim(range.substr(0, semicolon));
        if (semicolon != std::string_view::npos && zero_quality(range.substr(semicolon + 1)))
            continue;
        auto slash = name.find('/');
        if (name == "*/*" || same_letters(name, type) ||
            (slash != std::string_view::npos && name.substr(slash) == "/*" &&
             same_letters(name.substr(0, slash), family)))
            return true;
    }
    return false;
}

} // namespace didit::emulator::detail
