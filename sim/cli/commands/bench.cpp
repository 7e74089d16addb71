// marketsim bench: throughput per thread count (and per MPI process count), peak memory, kernel
// rates.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "marketsim/bench.hpp"
#include "marketsim/json.hpp"
#include "marketsim/text.hpp"

namespace marketsim::cli {

Command add_bench(CLI::App& app, Shared& shared) {
    struct Args {
        std::string scenario = "scenarios/baseline.toml";
        std::vector<std::string> sets;
        std::string threads;  ///< comma-separated list
        std::string json;
        BenchOptions options;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd =
        app.add_subcommand("bench", "Measure throughput: cell-year samples/s per thread count, peak memory, kernel rates");
    add_simd(*cmd, shared);
    cmd->add_option("scenario", a->scenario, "Scenario file (TOML; default scenarios/baseline.toml)");
    add_sets(*cmd, a->sets, "Override a value: PATH=VALUE (e.g. growth.rate=0.06); repeatable");
    add_paths(*cmd, a->options.paths, "Paths per timed run (default 1000000)");
    cmd->add_option("--threads", a->threads, "Comma-separated thread counts, e.g. 1,2,4 (default 1,2,...,all cores)");
    cmd->add_option("--repeat", a->options.repeat, "Timed runs per thread count; the median is shown (default 5)")
        ->check(CLI::Range(1, 1000));
    cmd->add_option("--json", a->json, "Also write the report as JSON to this file");
    cmd->add_option("--kernel-count", a->options.kernel_count, "Draws or inserts per kernel-rate loop (default 16777216)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    return {cmd, [a, cmd] {
                BenchOptions options = a->options;
                if (cmd->count("--threads") > 0) options.threads = parse_thread_list(a->threads);
                options.progress = [](const std::string& line) { std::cerr << "bench: " << line << '\n'; };
                const BenchReport report = run_bench(load_scenario(a->scenario, a->sets), options);
                std::cout << bench_table(report);
                if (!a->json.empty()) {
                    const std::filesystem::path file(a->json);
                    write(file.has_parent_path() ? file.parent_path() : std::filesystem::path("."),
                          {{file.filename().string(), bench_json(report).dump(2) + "\n"}});
                    std::cout << "wrote " << file.string() << '\n';
                }
                return 0;
            }};
}

}  // namespace marketsim::cli
