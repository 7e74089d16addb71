#pragma once
/** The path generator: growth paths as pure functions of (model, seed, path index), vectorized
 *  (docs/model.md, sections "Cells, values and growth" to "Random numbers").
 *
 *  The persistent deviation D_c = sL(c) Z_c uses the long-run factor draws; year y's noise uses
 *  the annual factor draws of calendar year y; each event's firing in year y uses uniform y of
 *  the event's own stream. Nothing else is read, so a path is the same on any thread.
 *
 *  Arithmetic (the same in ChunkSampler and in simulate_path, path.hpp, its scalar reference):
 *  normals, the factor combination Z_c and the correlation roots in single precision (float has
 *  24 bits: Z_c is off by about 1e-7 of its size, which moves a year's log-growth by about
 *  sA 1e-7 < 1e-8, four orders below the quantile summaries' 1e-4); D_c, log values, e^x (to
 *  1e-15), series sums and all statistics in double.
 */
#include <cstdint>
#include <memory>

#include "model/model.hpp"

namespace marketsim {

namespace kernels {
struct ChunkBuffers;
struct ChunkDraws;
}  // namespace kernels

/** The vectorized sampler: chunks of up to capacity() paths in structure-of-arrays form, on the
 *  SIMD target in force (simd.hpp). One per thread; no allocation after construction. */
class ChunkSampler {
public:
    /** capacity 0: chosen from the model's size (64 paths, fewer for very many cells); else a
     *  multiple of 16. */
    explicit ChunkSampler(const Model& model, std::uint32_t capacity = 0);
    ~ChunkSampler();
    ChunkSampler(ChunkSampler&&) noexcept;
    ChunkSampler& operator=(ChunkSampler&&) = delete;

    std::uint32_t capacity() const noexcept;
    const Model& model() const noexcept { return *model_; }

    /** Simulates paths first .. first + lanes - 1 (lanes <= capacity()) and calls
     *  year(t, series, lanes) for t = 0..years, series s of lane i at series[s * capacity() + i].
     *  With `draws`, the paths take those draws instead of their own (kernels.hpp). */
    template <class F>
    void simulate(std::uint64_t first, std::uint32_t lanes, F&& year, const kernels::ChunkDraws* draws = nullptr) {
        run(first, lanes, [](void* f, int t, const double* series, std::uint32_t n) { (*static_cast<F*>(f))(t, series, n); },
            &year, draws);
    }

private:
    void run(std::uint64_t first, std::uint32_t lanes, void (*sink)(void*, int, const double*, std::uint32_t),
             void* context, const kernels::ChunkDraws* draws);
    const Model* model_;
    std::unique_ptr<kernels::ChunkBuffers> buffers_;
};

}  // namespace marketsim
