#pragma once
/** Growth paths as pure functions of (model, seed, path index) (MODEL.md sections 2-5).
 *
 *  The persistent deviation D_c = sL(c) Z_c uses the long-run factor draws; year y's noise uses
 *  the annual factor draws of calendar year y; each event's firing in year y uses uniform y of
 *  the event's own stream. Nothing else is read, so a path is the same on any thread.
 *
 *  Arithmetic (the same in ChunkSampler, vectorized, and simulate_path, one path at a time):
 *  normals, the factor combination Z_c and the correlation roots in single precision (float has
 *  24 bits: Z_c is off by about 1e-7 of its size, which moves a year's log-growth by about
 *  sA 1e-7 < 1e-8, four orders below the quantile summaries' 1e-4); D_c, log values, e^x (to
 *  1e-15), series sums and all statistics in double.
 */
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "marketsim/accumulator.hpp"
#include "marketsim/model.hpp"

namespace marketsim {

namespace kernels {
struct ChunkBuffers;
}

/** The vectorized sampler: chunks of up to capacity() paths in structure-of-arrays form, on the
 *  best SIMD target of the CPU (simd.hpp). One per thread; no allocation after construction. */
class ChunkSampler {
public:
    /** capacity 0: chosen from the model's size (64 paths, fewer for very many cells); else a
     *  multiple of 16. */
    explicit ChunkSampler(const Model& model, std::uint32_t capacity = 0);
    ~ChunkSampler();
    ChunkSampler(ChunkSampler&&) noexcept;
    ChunkSampler& operator=(ChunkSampler&&) = delete;

    std::uint32_t capacity() const noexcept;

    /** Simulates paths first .. first + lanes - 1 (lanes <= capacity()); calls
     *  year(t, series, lanes) for t = 0..years with series s of lane i at series[s * capacity() + i]. */
    template <class F>
    void simulate(std::uint64_t first, std::uint32_t lanes, F&& year) {
        run(first, lanes, [](void* f, int t, const double* series, std::uint32_t n) { (*static_cast<F*>(f))(t, series, n); },
            &year);
    }

    /** Simulates paths [first, end) of one block into acc (between its begin_block and end_block). */
    void accumulate(std::uint64_t first, std::uint64_t end, BandAccumulator& acc);

private:
    void run(std::uint64_t first, std::uint32_t lanes, void (*sink)(void*, int, const double*, std::uint32_t),
             void* context);
    const Model* model_;
    std::unique_ptr<kernels::ChunkBuffers> buffers_;
};

/** Where simulate_path takes a path's draws from (sensitivity analysis swaps and pins them). */
struct DrawSource {
    /// the factor draws' normals (factor_draws() of them) of `purpose`, in float
    std::function<void(std::uint32_t purpose, float* normals)> normals;
    /// whether event e (index into Model::events) fires in calendar year `year`
    std::function<bool(std::size_t e, std::uint32_t year)> fires;
};

/** Scratch space for simulate_path, reused from path to path by one thread. */
class PathWorkspace {
public:
    explicit PathWorkspace(const Model& model);

private:
    friend void simulate_path(const Model&, std::uint64_t, PathWorkspace&, double*) noexcept;
    friend void simulate_path(const Model&, PathWorkspace&, double*, const DrawSource&);
    std::vector<double> draws_;   ///< factor_draws() normals of one purpose
    std::vector<float> normals_;  ///< the same in float
    std::vector<float> factor_;   ///< F_d[m] for every member, all dimensions
    std::vector<float> z_;        ///< Z_c per cell
    std::vector<double> deviation_;  ///< D_c per cell
    std::vector<double> log_value_;
    std::vector<double> value_;
    std::vector<double> shock_;      ///< event impacts per (year, cell): t-major
};

/** Correlated standard normals Z_c (MODEL.md section 3) from the factor draws of one purpose,
 *  in float: F_d = S_d xi_d, then Z_c = lg G + li E_c + sum_d ld F_d[c_d] in that order. */
void correlated_normals(const Model& model, const float* draws, float* factor, float* z) noexcept;

/** Simulates path `path` one path at a time, with the same arithmetic as ChunkSampler (the
 *  reference the vectorized sampler is tested against); writes every series value into
 *  out[t * series_count + s], t = 0..years. */
void simulate_path(const Model& model, std::uint64_t path, PathWorkspace& ws, double* out) noexcept;

/** The same with the draws from `source` instead of the path's own streams. */
void simulate_path(const Model& model, PathWorkspace& ws, double* out, const DrawSource& source);

}  // namespace marketsim
