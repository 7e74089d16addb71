#include "marketsim/bench.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <optional>
#include <string>

#include <tbb/global_control.h>
#include <tbb/info.h>

#include "core/memory.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/simd.hpp"
#include "sampling/kernels.hpp"
#include "sampling/random.hpp"
#include "stats/quantile_sketch.hpp"

namespace marketsim {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxThreads = 4096;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) != 0) continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) break;
        std::size_t b = line.find_first_not_of(" \t", colon + 1);
        return b == std::string::npos ? std::string() : line.substr(b);
    }
    return {};
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; Linux >= 4.0. */
bool reset_peak_rss() {
    std::ofstream f("/proc/self/clear_refs");
    if (!f) return false;
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

/** VmHWM from /proc/self/status in bytes, or 0 when unknown. */
double peak_rss_bytes() {
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == "VmHWM:") {
            double kib = 0;
            in >> kib;
            return kib * 1024.0;
        }
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return 0.0;
}

std::string brief(const char* format, double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, x);
    return buf;
}

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

KernelRates kernel_rates(const Model& model, double relative_accuracy, double base_value, std::uint64_t count) {
    KernelRates k;
    k.count = count;
    volatile double sink = 0.0;

    // the kernels as the sampler calls them: 64 paths' counters per Philox call, so one call
    // gives 4 x 64 32-bit words; each word is one uniform, or one normal through the transform
    constexpr std::uint32_t kLanes = 64, kWords = 4 * kLanes;
    const std::uint64_t calls = (count + kWords - 1) / kWords;
    std::vector<std::uint32_t> words(kWords);
    {  // counter-based uniforms: Philox4x32-10 in SIMD lanes
        std::uint64_t s = 0;
        const auto start = Clock::now();
        for (std::uint64_t c = 0; c < calls; ++c) {
            kernels::philox_words(model.seed, c * kLanes, kLanes, purpose::long_run, 0, words.data(), kLanes);
            s += words[c & (kWords - 1)];
        }
        k.uniforms = static_cast<double>(calls * kWords) / seconds_since(start);
        sink = static_cast<double>(s);
    }
    {  // normals: the same words through the single-precision uniform-to-normal transform
        std::vector<float> z(kWords);
        double s = 0.0;
        const auto start = Clock::now();
        for (std::uint64_t c = 0; c < calls; ++c) {
            kernels::philox_words(model.seed, c * kLanes, kLanes, purpose::annual(model.base_year + 1), 0, words.data(),
                                  kLanes);
            kernels::normals_from_words(words.data(), z.data(), kWords);
            s += z[c & (kWords - 1)];
        }
        k.normals = static_cast<double>(calls * kWords) / seconds_since(start);
        sink = s;
    }
    {  // summary inserts: lognormal values around the base value (a 15% spread), 64 per call
       // through the vectorized insert (bucket indices, power sums, extremes; then the counts)
        std::vector<double> values(1u << 16);
        normals(model.seed, 0, purpose::long_run, values.data(), static_cast<std::uint32_t>(values.size()));
        for (double& v : values) v = base_value * std::exp(0.15 * v);
        QuantileSketch sketch(relative_accuracy);
        std::vector<double> partial(32, 0.0);
        std::vector<std::int64_t> index(kLanes);
        const std::uint64_t batches = (count + kLanes - 1) / kLanes;
        const std::size_t mask = values.size() - 1;
        const auto start = Clock::now();
        for (std::uint64_t b = 0; b < batches; ++b) {
            const double* x = values.data() + ((b * kLanes) & mask);
            kernels::ChunkExtremes extremes;
            if (kernels::chunk_stats(x, kLanes, base_value, sketch.multiplier(), partial.data(), index.data(), &extremes))
                sketch.add_positive(index.data(), kLanes, extremes);
        }
        k.inserts = static_cast<double>(batches * kLanes) / seconds_since(start);
        sink = static_cast<double>(sketch.count()) + partial[0];
    }
    (void)sink;
    return k;
}

}  // namespace

std::vector<int> parse_thread_list(std::string_view text) {
    const std::string usage = " (a comma-separated list of thread counts from 1 to " + std::to_string(kMaxThreads) +
                              ", e.g. 1,2,4)";
    std::vector<int> out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t comma = text.find(',', pos);
        const std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        int value = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || value < 1 || value > kMaxThreads)
            throw InputError("--threads " + std::string(text) + ": '" + std::string(item) +
                             "' is not a thread count" + usage);
        out.push_back(value);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return out;
}

BenchReport run_bench(const Scenario& scenario, const BenchOptions& options) {
    if (options.paths < 1) throw InputError("bench: paths must be at least 1");
    if (options.repeat < 1)
        throw InputError("bench: repeat (" + std::to_string(options.repeat) + ") must be at least 1");
    if (options.kernel_count < 1) throw InputError("bench: kernel_count must be at least 1");
    std::vector<int> threads = options.threads;
    if (threads.empty())
        for (int t = 1; t <= tbb::info::default_concurrency(); ++t) threads.push_back(t);
    for (int t : threads)
        if (t < 1 || t > kMaxThreads)
            throw InputError("bench: thread count (" + std::to_string(t) + ") is not in 1.." +
                             std::to_string(kMaxThreads));

    const Model model = compile_for_run(scenario, std::nullopt);
    const std::vector<TargetIndex> targets = target_indices(model, scenario);
    const int most = *std::max_element(threads.begin(), threads.end());
    require_memory(estimate_memory_bytes(model, scenario.relative_accuracy, most),
                   "use fewer threads or raise output.relative_accuracy");

    BenchReport r;
    r.scenario = scenario.name;
    r.paths = options.paths;
    r.repeat = options.repeat;
    r.cells = model.cell_count;
    r.years = model.years;
    r.series = model.series_count();
    r.seed = model.seed;
    r.samples_per_run = static_cast<double>(options.paths) * model.cell_count * model.years;
    r.cpu = cpu_model();
    r.logical_cpus = tbb::info::default_concurrency();
    r.simd = simd::target();
    r.peak_rss_reset = true;

    // Repeats are interleaved (repeat 1 of every thread count, then repeat 2, ...) so that a slow
    // spell of the machine does not fall on one thread count alone. Under MPI each thread count
    // runs on process 0 alone and then on every process (started together after a barrier; the
    // time includes merging the processes' statistics).
    const int all = cluster::size();
    std::vector<std::pair<int, int>> configs;  // (processes, threads)
    for (int t : threads) {
        configs.emplace_back(1, t);
        if (all > 1) configs.emplace_back(all, t);
    }
    std::vector<std::vector<double>> rates(configs.size());
    std::vector<double> peaks(configs.size(), 0.0);
    for (int i = 0; i < options.repeat; ++i) {
        for (std::size_t j = 0; j < configs.size(); ++j) {
            const auto [p, t] = configs[j];
            cluster::barrier();
            if (p == 1 && !cluster::root()) continue;  // process 0 runs alone; the others wait at the next barrier
            std::optional<cluster::SoloScope> solo;
            if (p == 1) solo.emplace();
            // lets an arena of t threads get its workers even beyond the machine's cores
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(t));
            if (!reset_peak_rss()) r.peak_rss_reset = false;
            const auto start = Clock::now();
            const BandAccumulator acc = accumulate(model, scenario.relative_accuracy, targets, options.paths, t);
            const double seconds = seconds_since(start);
            peaks[j] = std::max(peaks[j], peak_rss_bytes());
            if (acc.paths() != options.paths)
                throw std::runtime_error("bench: the accumulator holds " + std::to_string(acc.paths()) +
                                         " paths, not " + std::to_string(options.paths));
            rates[j].push_back(seconds > 0 ? r.samples_per_run / seconds : 0.0);
            if (options.progress)
                options.progress("run " + std::to_string(i + 1) + "/" + std::to_string(options.repeat) + ", " +
                                 (all > 1 ? std::to_string(p) + (p == 1 ? " process x " : " processes x ") : "") +
                                 std::to_string(t) + (t == 1 ? " thread: " : " threads: ") + brief("%.3f", seconds) +
                                 " s, " + brief("%.4g", rates[j].back()) + " cell-year samples/s");
        }
    }
    cluster::barrier();
    if (!cluster::root()) return r;  // process 0 reports
    for (std::size_t j = 0; j < configs.size(); ++j) {
        BenchRow row;
        row.processes = configs[j].first;
        row.threads = configs[j].second;
        row.median = median_of(rates[j]);
        row.min = *std::min_element(rates[j].begin(), rates[j].end());
        row.max = *std::max_element(rates[j].begin(), rates[j].end());
        row.median_seconds = row.median > 0 ? r.samples_per_run / row.median : 0.0;
        row.peak_rss_bytes = peaks[j];
        r.rows.push_back(row);
    }
    const auto one = std::find_if(r.rows.begin(), r.rows.end(),
                                  [](const BenchRow& x) { return x.threads == 1 && x.processes == 1; });
    for (BenchRow& row : r.rows)
        row.efficiency = one != r.rows.end() && one->median > 0
                             ? row.median / (row.processes * row.threads * one->median)
                             : std::numeric_limits<double>::quiet_NaN();

    r.kernels = kernel_rates(model, scenario.relative_accuracy, scenario.base_value, options.kernel_count);
    return r;
}

}  // namespace marketsim
