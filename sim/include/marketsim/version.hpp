#pragma once
/** The marketsim version, e.g. "0.1.0". */
#include <string_view>

namespace marketsim {
std::string_view version() noexcept;
}
