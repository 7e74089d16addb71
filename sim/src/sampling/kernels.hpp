#pragma once
/** The sampler's vectorized kernels (Highway, one copy per SIMD target, chosen at run time).
 *
 *  Every kernel computes each lane with the same IEEE operations in the same order on every
 *  target (no fused multiply-add, no reassociation; the library is built with
 *  -ffp-contract=off), so results are bit-identical on SCALAR, SSSE3, SSE4, AVX2 and AVX3.
 *  The tests check that on every target this machine supports, and against the scalar reference
 *  (random.hpp, sampler.hpp: simulate_path), which shares no code with the kernels.
 *
 *  Paths are processed in chunks of up to ChunkBuffers::capacity paths held in
 *  structure-of-arrays form: array[row * capacity + lane], lane = path - first.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include <hwy/aligned_allocator.h>

#include "model/model.hpp"

namespace marketsim::kernels {

/** n zeroed values (at least one) aligned for the kernels' whole-vector loads and stores. */
template <class T>
hwy::AlignedFreeUniquePtr<T[]> aligned_zeros(std::size_t n) {
    n = n > 0 ? n : 1;
    auto p = hwy::AllocateAligned<T>(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = T{};
    return p;
}

/** Per-thread working memory of simulate_chunk: allocated once, reused for every chunk. */
struct ChunkBuffers {
    /** Buffers for `capacity` paths of `model` (a multiple of 16; chunk_capacity() picks one). */
    ChunkBuffers(const Model& model, std::uint32_t capacity);

    std::uint32_t capacity;
    hwy::AlignedFreeUniquePtr<float[]> normals;    ///< factor_draws x capacity
    hwy::AlignedFreeUniquePtr<float[]> factor;     ///< member_count x capacity (F_d of matrix dimensions)
    hwy::AlignedFreeUniquePtr<float[]> z;          ///< cells x capacity: Z_c
    hwy::AlignedFreeUniquePtr<double[]> deviation;  ///< cells x capacity: D_c
    hwy::AlignedFreeUniquePtr<double[]> log_value;  ///< cells x capacity
    hwy::AlignedFreeUniquePtr<double[]> value;      ///< cells x capacity
    hwy::AlignedFreeUniquePtr<double[]> shock;      ///< cells x capacity: this year's event impacts
    hwy::AlignedFreeUniquePtr<double[]> active;     ///< events x (years + 1) x capacity: 1 when active
    hwy::AlignedFreeUniquePtr<double[]> series;     ///< series x capacity: this year's series values
    hwy::AlignedFreeUniquePtr<std::uint8_t[]> fires;  ///< capacity: whether an event fires in a year
    hwy::AlignedFreeUniquePtr<double[]> deviation_year;  ///< capacity: this year's D_c (Model::long_run_by_year)
    hwy::AlignedFreeUniquePtr<double[]> noise;     ///< cells x capacity: A(c, y), with persistence or tails only
    hwy::AlignedFreeUniquePtr<float[]> tails;      ///< annual_tails x capacity: this year's t-scale normals
    hwy::AlignedFreeUniquePtr<double[]> tail_scale;  ///< capacity: this year's sqrt((nu - 2) / W)
    std::vector<float> root;         ///< Model::root in float, concatenated
    std::vector<double> log_base;    ///< ln V(c, B)
    std::vector<std::uint64_t> fire_below;  ///< per event: fires when the 52-bit draw m < this
    hwy::AlignedFreeUniquePtr<double[]> impact;       ///< events x capacity: each path's impact of each event
    hwy::AlignedFreeUniquePtr<std::int32_t[]> once;  ///< capacity: the year index a once event fires in, or 0
};

/** Paths per chunk for `model`: 64, or fewer (at least 16) when a model's cells would make the
 *  buffers exceed about 1 MiB. */
std::uint32_t chunk_capacity(const Model& model);

/** Bytes ChunkBuffers(model, chunk_capacity(model)) allocates. */
double chunk_bytes(const Model& model);

/** Called by simulate_chunk once per year t = 0..years with that year's series values
 *  (series[s * capacity + lane], lanes valid). */
using YearSink = void (*)(void* context, int t, const double* series, std::uint32_t lanes);

/** The draws a chunk takes instead of its own streams (sensitivity analysis mixes two samples and
 *  pins groups of draws this way). Called from simulate_chunk on the calling thread. */
struct ChunkDraws {
    /// fills normals[k * capacity + lane] for every factor draw k (Model::factor_draws()) of year
    /// index t: 0 for the long-run factors, t = 1..years for the annual factors of base_year + t
    void (*normals)(void* context, int t, float* normals);
    /// fires[lane] = 1 when event e (index into Model::events) fires in year index t, else 0;
    /// asked for first_fire <= t <= last_fire only
    void (*fires)(void* context, std::size_t e, int t, std::uint8_t* fires);
    void* context;
    /// year[lane] = the year index t (first_fire..last_fire) in which `once` event e fires, 0 when
    /// it does not; asked for once events only. Null: the paths' own draws (chunk_once)
    void (*once)(void* context, std::size_t e, std::int32_t* year) = nullptr;
    /// impact[lane] = event e's impact on the lane's path; asked for events with an uncertain
    /// impact only. Null: the paths' own draws (chunk_impacts)
    void (*impacts)(void* context, std::size_t e, double* impact) = nullptr;
    /// fills normals[k * capacity + lane], k < Model::annual_tails, with the t-scale normals of year
    /// index t = 1..years (purpose::annual_tails(base_year + t)); asked for only when the model has
    /// tails; nullptr: the paths' own
    void (*tails)(void* context, int t, float* normals) = nullptr;
};

/** Simulates paths first .. first + lanes - 1 (lanes <= capacity) of `model`, with the paths' own
 *  draws or, when `draws` is given, with those. */
void simulate_chunk(const Model& model, ChunkBuffers& buffers, std::uint64_t first, std::uint32_t lanes,
                    YearSink sink, void* context, const ChunkDraws* draws = nullptr);

/** out[k * capacity + lane] = normal k of (seed, first + lane, purpose) for k < count: the factor
 *  draws of a whole chunk, as simulate_chunk draws them. `out` is aligned (aligned_zeros) and
 *  `capacity` a multiple of 16. */
void chunk_normals(std::uint64_t seed, std::uint32_t count, std::uint64_t first, std::uint32_t capacity,
                   std::uint32_t purpose, float* out);

/** fires[lane] = 1 when uniform `year` of (seed, first + lane, purpose) is below the probability
 *  whose uniform_threshold is `threshold` (random.hpp), for lanes < capacity. */
void chunk_fires(std::uint64_t seed, std::uint64_t first, std::uint32_t capacity, std::uint32_t purpose,
                 std::uint32_t year, std::uint64_t threshold, std::uint8_t* fires);

/** year[lane] = first_fire + once_year(m, last_fire - first_fire + 1, p) (random.hpp) when
 *  uniform 0 of (seed, first + lane, event.purpose), m its 52-bit draw, is below p, else 0: the
 *  year index in which `once` event `event` fires, for lanes < capacity; p = event.probability
 *  unless `probability` is given (the tornado forces an event with 1). */
void chunk_once(std::uint64_t seed, std::uint64_t first, std::uint32_t capacity, const EventModel& event,
                std::int32_t* year, double probability = -1.0);

/** impact[lane] = sampled_impact(event, uniform 0 of (seed, first + lane, event.impact_purpose))
 *  (random.hpp), for lanes < capacity. */
void chunk_impacts(std::uint64_t seed, std::uint64_t first, std::uint32_t capacity, const EventModel& event,
                   double* impact);

/** Philox4x32-10 (seed; path, path >> 32, purpose, index) for paths first .. first + n - 1:
 *  word w of path first + i in out[w * stride + i]. */
void philox_words(std::uint64_t seed, std::uint64_t first, std::uint32_t n, std::uint32_t purpose,
                  std::uint32_t index, std::uint32_t* out, std::size_t stride);

/** Normals of word pairs: (z[2i], z[2i+1]) = normal_pair(w[2i], w[2i+1]) (random.hpp); n even. */
void normals_from_words(const std::uint32_t* w, float* z, std::size_t n);

/** y[i] = e^x[i] (random.hpp: fast_exp). y may alias x. */
void exp(const double* x, double* y, std::size_t n);

/** The SIMD target the kernels run on now ("AVX2", "SCALAR", ...). */
const char* target_name();

}  // namespace marketsim::kernels
