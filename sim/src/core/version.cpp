#include "marketsim/version.hpp"

namespace marketsim {
std::string_view version() noexcept { return MARKETSIM_VERSION; }
}  // namespace marketsim
