#pragma once
/** The machine's available memory, and the check every verb makes before it allocates. */
#include <string>

namespace marketsim {

/** MemAvailable from /proc/meminfo in bytes, or 0 when unknown. */
double available_memory_bytes();

/** Throws InputError ("this run would need about X GiB but Y GiB are available; <advice>") when
 *  need_bytes exceeds 80% of the machine's available memory (unknown: no check). */
void require_memory(double need_bytes, const std::string& advice);

}  // namespace marketsim
