// The workbench's API without HTTP: its numbers are the library's (the same doubles as `marketsim
// run` and `compare`), its refusals carry the command line's messages and the right status.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "marketsim/compare.hpp"
#include "marketsim/error.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "test_support.hpp"
#include "workbench.hpp"

namespace fs = std::filesystem;
using marketsim::serve::Reply;
using marketsim::serve::Workbench;
using nlohmann::json;

namespace {

/** A served folder holding the shipped scenarios, a file outside it and links leaving it. */
struct Served {
    fs::path root = fs::temp_directory_path() / ("marketsim_workbench_" + std::to_string(::getpid()));
    fs::path dir = root / "served";
    Served() {
        fs::remove_all(root);
        fs::create_directories(dir);
        for (const auto& e : fs::directory_iterator(marketsim::test::source_dir() + "/scenarios"))
            fs::copy_file(e.path(), dir / e.path().filename());
        fs::copy_file(dir / "baseline.toml", root / "outside.toml");
        fs::create_symlink(root / "outside.toml", dir / "link_out.toml");
        std::ofstream(dir / "extends_out.toml") << "extends = \"../outside.toml\"\n";
    }
    ~Served() { fs::remove_all(root); }
    Workbench bench(std::uint64_t max_paths = 200000) const {
        marketsim::serve::Options o;
        o.dir = dir;
        o.max_paths = max_paths;
        return Workbench(o);
    }
};

/** The reply's bands row of `series` in `year`. */
const json& row(const json& rows, const std::string& series, int year) {
    for (const json& r : rows)
        if (r.at("series") == series && r.at("year") == year) return r;
    FAIL("no row " << series << " " << year);
    return rows.front();
}

}  // namespace

TEST_CASE("a run request gives the library's bands, the same doubles", "[serve]") {
    const Served served;
    const Workbench bench = served.bench();
    const Reply reply = bench.run({{"file", "baseline.toml"}, {"set", {{"growth.rate", 0.06}}}, {"paths", 5000}, {"seed", 11}});
    INFO(reply.body.dump().substr(0, 400));
    REQUIRE(reply.status == 200);
    const marketsim::Scenario sc = marketsim::load_scenario(served.dir / "baseline.toml", {"growth.rate=0.06"});
    marketsim::RunOptions o;
    o.paths = 5000;
    o.seed = 11;
    const marketsim::Results r = marketsim::run(sc, o);
    REQUIRE(reply.body.at("bands").size() == r.series.size() * static_cast<std::size_t>(r.years + 1));
    for (std::size_t s = 0; s < r.series.size(); ++s)
        for (int t = 0; t <= r.years; ++t) {
            const json& got = row(reply.body.at("bands"), r.series[s], r.base_year + t);
            const marketsim::Band& b = r.band(s, t);
            CHECK(got.at("mean").get<double>() == b.mean);
            CHECK(got.at("sd").get<double>() == b.sd);
            for (std::size_t k = 0; k < r.quantiles.size(); ++k)
                CHECK(got.at(marketsim::quantile_column(r.quantiles[k])).get<double>() == b.quantile[k]);
        }
    CHECK(reply.body.at("targets").at(0).at("probability").get<double>() == r.targets.at(0).probability);
    CHECK(reply.body.at("paths") == 5000);
    CHECK(reply.body.at("seed") == 11);
}

TEST_CASE("a compared run gives compare's deltas and what moved", "[serve]") {
    const Served served;
    const Workbench bench = served.bench();
    const json request = {{"file", "baseline.toml"}, {"set", {{"region.asia_pacific.shift", 0.03}}}, {"paths", 4000},
                          {"compare", true}, {"sample_paths", 4}, {"series", {"total", "region=europe"}},
                          {"charts", {{"dimension", "type"}}}};
    const Reply reply = bench.run(request);
    REQUIRE(reply.status == 200);
    const marketsim::Scenario a = marketsim::load_scenario(served.dir / "baseline.toml");
    marketsim::Scenario b = marketsim::with_sets(a, {"region.asia_pacific.shift=0.03"});
    b.name = "what_if";
    marketsim::RunOptions o;
    o.paths = 4000;
    const marketsim::Comparison c = marketsim::compare({a, b}, o);
    const marketsim::Results& d = c.delta.front();
    for (std::size_t s = 0; s < d.series.size(); ++s) {
        const json& got = row(reply.body.at("delta"), d.series[s], d.base_year + d.years);
        CHECK(got.at("p50").get<double>() == d.band(s, d.years).quantile[3]);
        CHECK(got.at("prob_b_gt_a").get<double>() == c.greater.front()[s * (d.years + 1) + d.years]);
    }
    // a region the what-if leaves alone did not move at all
    CHECK(row(reply.body.at("delta"), "region=europe", 2033).at("p95").get<double>() == 0.0);
    // what moved: largest absolute change of the horizon median first; the region moved most
    const json& moved = reply.body.at("moved");
    CHECK(moved.at(0).at("series") == "region=asia_pacific");
    for (std::size_t i = 1; i < moved.size(); ++i)
        CHECK(std::fabs(moved.at(i - 1).at("change").get<double>()) >= std::fabs(moved.at(i).at("change").get<double>()));
    CHECK(reply.body.at("sample_paths").at("values").size() == 2);
    CHECK(reply.body.at("sample_paths").at("values").at(0).size() == 4);
    CHECK(reply.body.at("sample_paths").at("values").at(0).at(0).at(0).get<double>() == 35.2);
    CHECK(reply.body.at("charts").at("members").size() == 4);  // the types
    CHECK(reply.body.at("charts").at("total").get<std::string>().find("class=\"under\"") != std::string::npos);
}

TEST_CASE("bad requests are refused with the command line's message and a 4xx status", "[serve]") {
    const Served served;
    const Workbench bench = served.bench(100000);
    const auto refused = [&](const json& request, int status, const std::string& part) {
        const Reply reply = bench.run(request);
        INFO(request.dump() << " -> " << reply.status << " " << reply.body.dump());
        CHECK(reply.status == status);
        CHECK(reply.body.at("error").get<std::string>().find(part) != std::string::npos);
    };
    std::string cli_message;
    try {
        (void)marketsim::load_scenario(served.dir / "baseline.toml", {"growth.rat=0.06"});
    } catch (const marketsim::InputError& e) {
        cli_message = e.what();
    }
    REQUIRE_FALSE(cli_message.empty());
    refused({{"file", "baseline.toml"}, {"set", {{"growth.rat", 0.06}}}}, 400, cli_message);
    refused({{"file", "baseline.toml"}, {"set", {{"growth.rate", -2}}}}, 400, "growth.rate");
    refused({{"file", "baseline.toml"}, {"set", {{"growth.rate", nullptr}}}}, 400, "null");
    refused({{"file", "nothing.toml"}}, 404, "no such scenario file");
    refused({{"file", "../outside.toml"}}, 403, "leaves the served folder");
    refused({{"file", (served.root / "outside.toml").string()}}, 400, "relative path");
    refused({{"file", "link_out.toml"}}, 403, "leaves the served folder");
    refused({{"file", "extends_out.toml"}}, 403, "outside the served folder");
    refused({{"file", "baseline.toml"}, {"paths", 100001}}, 400, "--max-paths");
    refused({{"file", "baseline.toml"}, {"paths", -5}}, 400, "\"paths\"");
    refused({{"file", "baseline.toml"}, {"paths", "many"}}, 400, "\"paths\"");
    refused({{"file", "baseline.toml"}, {"sample_paths", 51}}, 400, "\"sample_paths\"");
    refused({{"file", "baseline.toml"}, {"sample_paths", 2}, {"series", {"region=asia"}}}, 400, "series 'region=asia'");
    refused({{"file", 7}}, 400, "\"file\": expected a string");
    refused(json::array({1, 2}), 400, "a JSON object");
    refused({{"file", "baseline.toml"}, {"charts", {{"dimension", "regoin"}}}}, 400, "did you mean 'region'");
}

TEST_CASE("a run stopped for a newer request of its client is answered 409", "[serve]") {
    const Served served;
    const Reply reply = served.bench().run({{"file", "baseline.toml"}, {"paths", 100000}},
                                           [] { return marketsim::serve::kSuperseded; });
    CHECK(reply.status == 409);
    CHECK(reply.body.at("error").get<std::string>().find("superseded") != std::string::npos);
}

TEST_CASE("inputs list every numeric --set path with a slider, growth rate first", "[serve]") {
    const Served served;
    const Reply reply = served.bench().inputs("baseline.toml");
    REQUIRE(reply.status == 200);
    const json& inputs = reply.body.at("inputs");
    const marketsim::Scenario sc = marketsim::load_scenario(served.dir / "baseline.toml");
    CHECK(inputs.size() == marketsim::numeric_inputs(sc).size());
    CHECK(inputs.at(0).at("path") == "growth.rate");
    for (const json& in : inputs) {
        INFO(in.dump());
        const double v = in.at("value"), lo = in.at("min"), hi = in.at("max"), step = in.at("step");
        CHECK(lo <= v);
        CHECK(v <= hi);
        CHECK(step > 0);
        CHECK_FALSE(in.at("label").get<std::string>().empty());
        if (in.at("kind") == "share") CHECK(in.at("row") == in.at("group"));
    }
    CHECK(served.bench().inputs("nothing.toml").status == 404);
}

TEST_CASE("a saved what-if extends its file with the values set, loads to them, and is never overwritten", "[serve]") {
    const Served served;
    const Workbench bench = served.bench();
    const json request = {{"file", "baseline.toml"}, {"set", {{"growth.rate", 0.061}, {"event.global_slowdown.probability", 0.2}}},
                          {"name", "faster"}};
    const Reply saved = bench.save(request);
    INFO(saved.body.dump());
    REQUIRE(saved.status == 201);
    const marketsim::Scenario got = marketsim::load_scenario(served.dir / "faster.toml");
    const marketsim::Scenario expected = marketsim::load_scenario(
        served.dir / "baseline.toml", {"growth.rate=0.061", "event.global_slowdown.probability=0.2"});
    CHECK(marketsim::to_toml(got).substr(marketsim::to_toml(got).find("unit")) ==
          marketsim::to_toml(expected).substr(marketsim::to_toml(expected).find("unit")));
    CHECK(got.name == "faster");
    CHECK(bench.save(request).status == 409);
    CHECK(bench.toml(request).body.at("toml") == saved.body.at("toml"));
    for (const char* bad : {"", "Faster", "1st", "a/b", "../x", "with space"}) {
        INFO(bad);
        CHECK(bench.save({{"file", "baseline.toml"}, {"name", bad}}).status == 400);
    }
    CHECK(bench.save({{"file", "baseline.toml"}, {"set", {{"growth.rat", 1}}}, {"name", "typo"}}).status == 400);
    CHECK_FALSE(fs::exists(served.dir / "typo.toml"));
}
