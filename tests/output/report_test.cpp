// Output formats: exact known answers for column names, number format, layout and safe writes.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "marketsim/error.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/files.hpp"
#include "marketsim/json.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/text.hpp"
#include "test_support.hpp"

using namespace marketsim;

TEST_CASE("quantile columns are named as docs/model.md says", "[report]") {
    CHECK(quantile_column(0.05) == "p05");
    CHECK(quantile_column(0.10) == "p10");
    CHECK(quantile_column(0.5) == "p50");
    CHECK(quantile_column(0.95) == "p95");
    CHECK(quantile_column(0.025) == "p2.5");
    CHECK(quantile_column(0.975) == "p97.5");
    CHECK(quantile_column(0.01) == "p01");
    CHECK(quantile_column(0.001) == "p0.1");
    CHECK(quantile_column(0.07) == "p07");  // 0.07 * 100 = 7.000000000000001 before rounding
}

TEST_CASE("numbers print in their shortest round-trip form", "[report]") {
    for (double x : {35.2, 0.1, 1.0 / 3.0, 53.8, 1e-5, 123456789.125, 0.052}) {
        const std::string s = format_number(x);
        CHECK(std::stod(s) == x);
    }
    CHECK(format_number(35.2) == "35.2");
    CHECK(format_number(2033) == "2033");
}

TEST_CASE("bands.csv has one row per series and year in the documented order", "[report]") {
    const Scenario sc = load_scenario(test::source_dir() + "/scenarios/baseline.toml",
                                      {"output.quantiles=[0.025, 0.5, 0.975]"});
    RunOptions opt;
    opt.paths = 2000;
    const Results r = run(sc, opt);
    const std::string csv = bands_csv(r, false);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    CHECK(line == "series,year,mean,sd,p2.5,p50,p97.5");
    std::vector<std::string> rows;
    while (std::getline(in, line)) rows.push_back(line);
    REQUIRE(rows.size() == (1 + 5 + 4 + 2) * 12u);
    CHECK(rows[0].rfind("total,2022,35.2,0,35.2,35.2,35.2", 0) == 0);
    CHECK(rows[11].rfind("total,2033,", 0) == 0);
    CHECK(rows[12].rfind("region=north_america,2022,", 0) == 0);
    CHECK(rows.back().rfind("application=individuals,2033,", 0) == 0);

    const std::string with_ci = bands_csv(r, true);
    CHECK(with_ci.substr(0, with_ci.find('\n')) ==
          "series,year,mean,mean_lo,mean_hi,sd,sd_lo,sd_hi,p2.5,p2.5_lo,p2.5_hi,p50,p50_lo,p50_hi,p97.5,p97.5_lo,"
          "p97.5_hi");
}

TEST_CASE("summary.json holds every field docs/model.md lists", "[report]") {
    const Scenario sc = load_scenario(test::source_dir() + "/scenarios/baseline.toml");
    RunOptions opt;
    opt.paths = 3000;
    opt.threads = 2;
    const Results r = run(sc, opt);
    const nlohmann::json j = summary_json(sc, r);
    for (const char* key : {"marketsim_version", "scenario_hash", "input_files", "scenario", "seed", "paths", "threads",
                            "processes", "elapsed_seconds", "throughput", "cagr", "central_path", "targets",
                            "monte_carlo_error", "warnings"})
        CHECK(j.contains(key));
    CHECK(j["seed"] == 2033);
    CHECK(j["paths"] == 3000);
    CHECK(j["threads"] == 2);
    CHECK(j["input_files"].size() == 1);
    CHECK(j["targets"][0]["value"] == 53.8);
    CHECK(j["cagr"]["series"]["total"].contains("p50"));
    CHECK(j["cagr"]["series"].size() == r.series.size());
    // the CAGR band is the transform of the horizon band
    CHECK(j["cagr"]["series"]["total"]["p50"].get<double>() ==
          std::pow(r.band(0, 11).quantile[3] / 35.2, 1.0 / 11) - 1);
}

TEST_CASE("write_files writes whole files or nothing", "[report]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "marketsim_write_test";
    fs::remove_all(dir);
    write_files(dir / "out", {{"a.txt", "one"}, {"b.txt", "two"}});
    std::ifstream a(dir / "out" / "a.txt");
    std::string text;
    std::getline(a, text);
    CHECK(text == "one");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "out")) ++entries;
    CHECK(entries == 2);  // no temporary file left behind

    std::ofstream(dir / "plain_file") << "keep me";
    CHECK_THROWS_AS(write_files(dir / "plain_file", {{"a.txt", "x"}}), InputError);
    std::ifstream kept(dir / "plain_file");
    std::getline(kept, text);
    CHECK(text == "keep me");
    fs::remove_all(dir);
}
