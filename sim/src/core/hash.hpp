#pragma once
/** Stable 64-bit FNV-1a hash: identifies input files and resolved scenarios in summary.json, and
 *  keys each event's random stream by its name (so adding or reordering events moves no draw). */
#include <cstdint>
#include <string>
#include <string_view>

namespace marketsim {

constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/** 16 lowercase hex digits. */
std::string hex64(std::uint64_t h);

}  // namespace marketsim
