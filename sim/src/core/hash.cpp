#include "core/hash.hpp"

#include <cstdio>

namespace marketsim {

std::string hex64(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace marketsim
