#pragma once
/** Where each random draw of a path comes from: its stream's purpose word (docs/model.md, "Random
 *  numbers"). A draw is addressed by (seed, path, purpose, index); the purposes are part of the
 *  model, so that adding an event or changing a value moves no other draw. */
#include <cstdint>
#include <string_view>

#include "core/hash.hpp"

namespace marketsim::purpose {

/// the persistent (long-run) factors G, xi_d, E_c of a path
inline constexpr std::uint32_t long_run = 0;

/// the annual factors of calendar year y (0 <= y < 2^30)
constexpr std::uint32_t annual(int year) noexcept { return 0x40000000u | static_cast<std::uint32_t>(year); }

/// the t-scale normals of calendar year y (growth.annual_tails): normals 0..nu-1 give W (0 <= y < 2^29)
constexpr std::uint32_t annual_tails(int year) noexcept { return 0x20000000u | static_cast<std::uint32_t>(year); }

/// the firing draws of an event: the high bit and 31 bits of fnv1a64(name); index = calendar year
constexpr std::uint32_t event(std::string_view name) noexcept {
    return 0x80000000u | static_cast<std::uint32_t>(fnv1a64(name) & 0x7fffffffu);
}

/// the size of an event's uncertain impact: 28 bits of fnv1a64(name) under 0x1; index 0 only
constexpr std::uint32_t event_impact(std::string_view name) noexcept {
    return 0x10000000u | static_cast<std::uint32_t>(fnv1a64(name) & 0x0fffffffu);
}

}  // namespace marketsim::purpose
