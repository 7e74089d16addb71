#pragma once
/** Plain bytes for merging statistics between processes (cluster.hpp): values appended in the
 *  machine's own layout (every process of a run is the same build on the same architecture), and
 *  read back with a check against truncation. */
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace marketsim::bytes {

template <class T>
void put(std::string& out, const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T>
void put_n(std::string& out, const T* values, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(values), n * sizeof(T));
}

/** Reads from the front of `in`, which it shortens. */
template <class T>
T get(std::string_view& in) {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    if (in.size() < sizeof value) throw std::runtime_error("merging statistics between processes: truncated data");
    std::memcpy(&value, in.data(), sizeof value);
    in.remove_prefix(sizeof value);
    return value;
}

template <class T>
void get_n(std::string_view& in, T* values, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in.size() / sizeof(T) < n) throw std::runtime_error("merging statistics between processes: truncated data");
    std::memcpy(values, in.data(), n * sizeof(T));
    in.remove_prefix(n * sizeof(T));
}

}  // namespace marketsim::bytes
