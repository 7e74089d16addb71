#include "core/memory.hpp"

#include <cstdio>
#include <fstream>

#include "marketsim/error.hpp"

namespace marketsim {

double available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024.0;
    return 0.0;
}

void require_memory(double need_bytes, const std::string& advice) {
    const double have = available_memory_bytes();
    if (have > 0 && need_bytes > 0.8 * have) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "this run would need about %.1f GiB but %.1f GiB are available; ",
                      need_bytes / 1073741824.0, have / 1073741824.0);
        throw InputError(buf + advice);
    }
}

}  // namespace marketsim
