#pragma once
/** Which SIMD code path the sampler runs on.
 *
 *  The kernels are compiled for several instruction sets (Highway: AVX3 = AVX-512, AVX2, SSE4,
 *  SSSE3 and SCALAR, the portable fallback) and the best one the CPU supports is used. Every
 *  target gives bit-identical results, so pinning one changes speed only; it is
 *  there to measure the fallback and to run every machine of a cluster on the same code.
 */
#include <string>
#include <vector>

namespace marketsim::simd {

/** The target in use, lower case ("avx2", "scalar", ...). */
std::string target();

/** The targets this CPU can run, best first, lower case. */
std::vector<std::string> available();

/** Runs the kernels on target `name` from now on ("best": the best available). Throws
 *  InputError naming the available targets when this CPU cannot run it. */
void pin(const std::string& name);

/** Pins the target named by the environment variable MARKETSIM_SIMD, if it is set. */
void pin_from_environment();

/** Puts every MPI process (cluster.hpp) on one SIMD code path: with `pinned` (each process pinned
 *  one), the one each pinned, which must be the same everywhere; else the best one every process's
 *  CPU can run. Throws InputError when the pinned targets differ. Every target gives bit-identical
 *  results; one code path everywhere keeps it so even if that ever changed, and lets
 *  a mixed cluster be timed fairly. Does nothing in a one-process run. */
void agree_across_processes(bool pinned);

}  // namespace marketsim::simd
