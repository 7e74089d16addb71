// A program built against the installed package (find_package(marketsim)) that runs a scenario
// through the library API: a one-cell scenario without noise, whose every path is the closed form
// 100 (1.05)^10 in 2030, and whose bands must be the same on one and on two threads.
#include <marketsim/marketsim.hpp>

#include <cmath>
#include <cstdio>

int main() {
    const marketsim::Scenario scenario = marketsim::parse_scenario(R"(
[scenario]
name = "consumer"
base_year = 2020
base_value = 100.0
horizon = 2030
[growth]
rate = 0.05
long_run_sd = 0.0
annual_sd = 0.0
)",
                                                                   "consumer.toml");
    marketsim::RunOptions options;
    options.paths = 4096;
    options.threads = 2;
    const marketsim::Results two = marketsim::run(scenario, options);
    options.threads = 1;
    const marketsim::Results one = marketsim::run(scenario, options);

    const std::size_t median = marketsim::nearest_quantile(two.quantiles, 0.5);
    const double got = two.band(two.series_index("total"), two.years).quantile[median];
    const double expected = 100.0 * std::pow(1.05, 10);
    const double error = std::fabs(got / expected - 1.0);
    const bool same = marketsim::bands_csv(one, true) == marketsim::bands_csv(two, true);
    std::printf("median %s expected %s relative error %.3g tolerance 1e-12; bands on 1 and 2 threads %s\n",
                marketsim::format_number(got).c_str(), marketsim::format_number(expected).c_str(), error,
                same ? "identical" : "DIFFER");
    return error <= 1e-12 && same && two.paths == 4096 ? 0 : 1;
}
