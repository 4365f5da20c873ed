#include <didit/session.hpp>

#include <array>

namespace didit {
namespace {

constexpr std::array<std::string_view, 8> feature_names{
    "OCR",        "OCR + NFC",        "OCR + AML",        "OCR + NFC + AML",
    "OCR + FACE", "OCR + NFC + FACE", "OCR + FACE + AML", "OCR + NFC + FACE + AML",
};

} // namespace

std::string_view to_string(features f) noexcept {
    auto index = static_cast<std::size_t>(f);
    return index < feature_names.size() ? feature_names[index] : std::string_view{};
}

std::optional<features> parse_features(std::string_view text) noexcept {
    for (std::size_t i = 0; i < feature_names.size(); ++i)
        if (feature_names[i] == text)
            return static_cast<features>(i);
    return std::nullopt;
}

} // namespace didit
