// The workbench's API without HTTP: its numbers are the library's (the same doubles as `marketsim
// run` and `compare`), its refusals carry the command line's messages and the right status.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "marketsim/compare.hpp"
#include "marketsim/error.hpp"
#include "marketsim/numbers.hpp"
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
const json& row_of(const json& rows, const std::string& series, int year) {
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
            const json& got = row_of(reply.body.at("bands"), r.series[s], r.base_year + t);
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
        const json& got = row_of(reply.body.at("delta"), d.series[s], d.base_year + d.years);
        CHECK(got.at("p50").get<double>() == d.band(s, d.years).quantile[3]);
        CHECK(got.at("prob_b_gt_a").get<double>() == c.greater.front()[s * (d.years + 1) + d.years]);
    }
    // a region the what-if leaves alone did not move at all
    CHECK(row_of(reply.body.at("delta"), "region=europe", 2033).at("p95").get<double>() == 0.0);
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
        if (in.at("path") == "event.global_slowdown.probability")
            CHECK(in.at("label") == "global_slowdown probability per year");
    }
    CHECK(served.bench().inputs("nothing.toml").status == 404);
}

TEST_CASE("inputs: each conditional share row is a row of sliders of its own, set whole", "[serve]") {
    const Served served;
    const Reply reply = served.bench().inputs("regional_mix.toml");
    REQUIRE(reply.status == 200);
    const json& inputs = reply.body.at("inputs");
    const marketsim::Scenario sc = marketsim::load_scenario(served.dir / "regional_mix.toml");
    const marketsim::ConditionalShares& table = sc.conditional_shares.at(0);
    // every numeric input, and one slider per entry of each row
    CHECK(inputs.size() == marketsim::numeric_inputs(sc).size() + 3 * 4);
    std::map<std::string, std::vector<json>> rows;
    std::size_t first_row = inputs.size(), correlation = inputs.size();
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const json& in = inputs[k];
        INFO(in.dump());
        if (in.at("kind") == "share") rows[in.at("row").get<std::string>()].push_back(in);
        if (in.contains("set_path")) first_row = std::min(first_row, k);
        if (in.at("path") == "correlation.global") correlation = k;
        if (in.at("path") == "type.voice.share") CHECK(in.at("label") == "voice share (in north_america, europe)");
        if (in.at("path") == "region.europe.share") CHECK(in.at("label") == "europe share");
    }
    CHECK(first_row < correlation);  // after the dimensions, before the correlation weights
    // the dimensions' rows keyed by dimension, each conditional row by its --set path: never mixed
    CHECK(rows.size() == 3 + 3);
    CHECK(rows.at("region").size() == 5);
    CHECK(rows.at("type").size() == 4);
    const std::vector<std::string> types = {"voice", "video", "virtualized", "wan"};
    for (const auto& [given, shares] : table.rows) {
        const std::string path = "shares.type.region." + given;
        INFO(path);
        REQUIRE(rows.count(path) == 1);
        const std::vector<json>& row = rows.at(path);
        REQUIRE(row.size() == 4);
        double sum = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            CHECK(row[i].at("path") == path + "[" + std::to_string(i) + "]");
            CHECK(row[i].at("set_path") == path);
            CHECK(row[i].at("index") == i);
            CHECK(row[i].at("label") == types[i]);
            CHECK(row[i].at("group") == "type by region");
            CHECK(row[i].at("subgroup") == given);
            CHECK(row[i].at("value").get<double>() == shares[i]);
            CHECK(row[i].at("min").get<double>() == 0.001);
            CHECK(row[i].at("max").get<double>() == 0.999);
            CHECK(row[i].at("step").get<double>() == 0.005);
            sum += row[i].at("value").get<double>();
        }
        CHECK(std::fabs(sum - 1) < 1e-12);
    }
}

TEST_CASE("inputs: three-point impacts, once events, year tables and adjustments read well", "[serve]") {
    const Served served;
    const auto find = [](const json& inputs, const std::string& path) {
        for (const json& in : inputs)
            if (in.at("path") == path) return in;
        FAIL("no input " << path);
        return json();
    };
    const json hyper = served.bench().inputs("hyperscaler_private_backbones.toml").body.at("inputs");
    const std::string event = "event.hyperscaler_private_backbones";
    const json probability = find(hyper, event + ".probability");
    CHECK(probability.at("label") == "hyperscaler_private_backbones probability it happens at all in 2027-2030");
    CHECK(probability.at("kind") == "probability");
    CHECK(probability.at("group") == "events");
    const std::vector<std::pair<std::string, std::string>> points = {{"low", "low"}, {"mode", "most likely"}, {"high", "high"}};
    const std::vector<double> values = {-0.1625, -0.1054, -0.0513};
    for (std::size_t k = 0; k < 3; ++k) {
        const json in = find(hyper, event + ".impact." + points[k].first);
        INFO(in.dump());
        CHECK(in.at("label") == points[k].second);
        CHECK(in.at("group") == "events");
        CHECK(in.at("subgroup") == "hyperscaler_private_backbones impact");
        CHECK(in.at("points") == event + ".impact");
        CHECK(in.at("point") == points[k].first);
        CHECK(in.at("kind") == "rate");
        CHECK(in.at("value").get<double>() == values[k]);
        CHECK(in.at("min").get<double>() == -0.3);  // one range for the three
        CHECK(in.at("max").get<double>() == 0.3);
        CHECK(in.at("step").get<double>() == 0.005);
    }
    // the baseline's yearly event keeps one plain impact
    CHECK(find(hyper, "event.global_slowdown.impact").at("label") == "global_slowdown impact");
    CHECK_FALSE(find(hyper, "event.global_slowdown.impact").contains("points"));

    const json voice = served.bench().inputs("voice_sunset.toml").body.at("inputs");
    CHECK(find(voice, "type.voice.shift.2030").at("label") == "voice shift 2030");
    CHECK(find(voice, "type.voice.shift.2030").at("group") == "type");
    CHECK(find(voice, "type.voice.shift.2030").at("kind") == "rate");

    const json apac = served.bench().inputs("apac_cloud_interconnect.toml").body.at("inputs");
    for (const auto& [key, label] : std::vector<std::pair<std::string, std::string>>{
             {"shift", "shift"}, {"sd_scale", "sd scale"}, {"share", "share multiplier"}}) {
        const json in = find(apac, "adjust.apac_cloud_build_out." + key);
        INFO(in.dump());
        CHECK(in.at("group") == "adjustments");
        CHECK(in.at("subgroup") == "apac_cloud_build_out (region asia_pacific; type virtualized)");
        CHECK(in.at("label") == label);
        CHECK(in.at("kind") != "share");  // a multiplier, not a row that sums to 1
    }

    const json growth = served.bench().inputs("three_point_growth.toml").body.at("inputs");
    for (const auto& [point, label] : points) {
        const json in = find(growth, "growth.long_run." + point);
        CHECK(in.at("label") == label);
        CHECK(in.at("subgroup") == "long-run growth rate");
        CHECK(in.at("points") == "growth.long_run");
    }
}

namespace {

/** The rows the page sends after moving asia_pacific's video share to 0.6: the others of the row
 *  rescaled in proportion (doubles with every digit). */
std::vector<double> moved_row() {
    const std::vector<double> file = {0.10, 0.45, 0.25, 0.20};
    std::vector<double> row(4);
    for (std::size_t i = 0; i < 4; ++i) row[i] = i == 1 ? 0.6 : file[i] * (1 - 0.6) / (1 - 0.45);
    return row;
}

std::string set_text(const std::vector<double>& row) {
    std::string out = "shares.type.region.asia_pacific=[";
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + marketsim::format_number(row[i]);
    return out + "]";
}

}  // namespace

TEST_CASE("a changed conditional share row runs to the command line's bands and saves to a file that reads back", "[serve]") {
    const Served served;
    const Workbench bench = served.bench();
    const std::vector<double> row = moved_row();
    const json request = {{"file", "regional_mix.toml"}, {"set", {{"shares.type.region.asia_pacific", row}}},
                          {"paths", 3000}, {"seed", 5}};
    const Reply reply = bench.run(request);
    INFO(reply.body.dump().substr(0, 400));
    REQUIRE(reply.status == 200);
    const marketsim::Scenario sc = marketsim::load_scenario(served.dir / "regional_mix.toml", {set_text(row)});
    marketsim::RunOptions o;
    o.paths = 3000;
    o.seed = 5;
    const marketsim::Results r = marketsim::run(sc, o);
    REQUIRE(reply.body.at("bands").size() == r.series.size() * static_cast<std::size_t>(r.years + 1));
    for (std::size_t s = 0; s < r.series.size(); ++s)
        for (int t = 0; t <= r.years; ++t) {
            const json& got = row_of(reply.body.at("bands"), r.series[s], r.base_year + t);
            const marketsim::Band& b = r.band(s, t);
            CHECK(got.at("mean").get<double>() == b.mean);
            for (std::size_t k = 0; k < r.quantiles.size(); ++k)
                CHECK(got.at(marketsim::quantile_column(r.quantiles[k])).get<double>() == b.quantile[k]);
        }
    // it changed something: Asia-Pacific's video share of the market at the base year
    const marketsim::Results unchanged = marketsim::run(marketsim::load_scenario(served.dir / "regional_mix.toml"), o);
    const std::size_t video = r.series_index("share:type=video");
    CHECK(r.band(video, 0).mean > unchanged.band(video, 0).mean);

    json save = request;
    save["name"] = "mix_what_if";
    const Reply saved = bench.save(save);
    INFO(saved.body.dump());
    REQUIRE(saved.status == 201);
    CHECK(saved.body.at("toml").get<std::string>().find("\"shares.type.region.asia_pacific\" = [") != std::string::npos);
    const marketsim::Scenario back = marketsim::load_scenario(served.dir / "mix_what_if.toml");
    CHECK(back.conditional_shares.at(0).rows == sc.conditional_shares.at(0).rows);
    const marketsim::Results again = marketsim::run(back, o);
    for (std::size_t s = 0; s < r.series.size(); ++s)
        for (int t = 0; t <= r.years; ++t) CHECK(again.band(s, t).quantile == r.band(s, t).quantile);
    CHECK(bench.toml(request).body.at("toml") == saved.body.at("toml"));
}

TEST_CASE("the share view: members' share series in percent, and what moved ranks shares apart", "[serve]") {
    const Served served;
    const Workbench bench = served.bench();
    const Reply reply = bench.run({{"file", "regional_mix.toml"}, {"set", {{"shares.type.region.asia_pacific", moved_row()}}},
                                   {"paths", 2000}, {"compare", true}, {"charts", {{"dimension", "type"}, {"shares", true}}}});
    REQUIRE(reply.status == 200);
    const json& charts = reply.body.at("charts");
    CHECK(charts.at("shares") == true);
    REQUIRE(charts.at("members").size() == 4);
    const std::string video = charts.at("members").at(1);
    CHECK(video.find("<title>share:type=video</title>") != std::string::npos);
    CHECK(video.find("% of the total") != std::string::npos);
    CHECK(video.find("%</text>") != std::string::npos);
    CHECK(video.find("class=\"under\"") != std::string::npos);
    // value series and share series are ranked apart; video's share moved most
    const json& moved = reply.body.at("moved");
    const json& shares = reply.body.at("moved_shares");
    REQUIRE_FALSE(shares.empty());
    for (const json& m : moved) CHECK(m.at("series").get<std::string>().rfind("share:", 0) == std::string::npos);
    for (const json& m : shares) CHECK(m.at("series").get<std::string>().rfind("share:", 0) == 0);
    CHECK(shares.at(0).at("series") == "share:type=video");
    CHECK(moved.size() == 10);
    // values without a share view draw as before; a scenario without share series has no share view
    const Reply plain = bench.run({{"file", "regional_mix.toml"}, {"paths", 1000}, {"charts", {{"dimension", "type"}}}});
    CHECK(plain.body.at("charts").at("members").at(1).get<std::string>().find("<title>type=video</title>") != std::string::npos);
    const Reply none = bench.run({{"file", "baseline.toml"}, {"paths", 1000}, {"charts", {{"shares", true}}}});
    CHECK(none.status == 400);
    CHECK(none.body.at("error").get<std::string>().find("no share series") != std::string::npos);
    const Reply compared = bench.run({{"file", "baseline.toml"}, {"paths", 1000}, {"compare", true}});
    CHECK(compared.body.at("moved_shares").empty());
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
