// The marketsim command as a user runs it: exit codes, messages, files written or not.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"
#include "marketsim/scenario.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using marketsim::test::cli;
using marketsim::test::Outcome;

namespace {

std::string scenario(const std::string& name) { return marketsim::test::source_dir() + "/scenarios/" + name; }

fs::path fresh_dir(const std::string& name) {
    const fs::path d = fs::temp_directory_path() / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

}  // namespace

TEST_CASE("help and version flags", "[cli]") {
    const Outcome help = cli("--help");
    CHECK(help.code == 0);
    CHECK(help.out.find("run") != std::string::npos);
    CHECK(help.out.find("validate") != std::string::npos);
    const Outcome version = cli("--version");
    CHECK(version.code == 0);
    CHECK(version.out.find("marketsim 0.") == 0);
}

TEST_CASE("help format prints the scenario-format reference built into the binary", "[cli]") {
    const Outcome format = cli("help format");
    CHECK(format.code == 0);
    std::ifstream in(marketsim::test::source_dir() + "/docs/scenario-format.md", std::ios::binary);
    const std::string reference((std::istreambuf_iterator<char>(in)), {});
    REQUIRE(reference.size() > 1000);
    CHECK(format.out == reference);
    const Outcome topics = cli("help");
    CHECK(topics.code == 0);
    CHECK(topics.out.find("  format  the scenario file format") != std::string::npos);
    const Outcome typo = cli("help fromat");
    CHECK(typo.code == 2);
    CHECK(typo.err == "marketsim: help: unknown topic 'fromat'; did you mean 'format'?\n");
    CHECK(typo.out.empty());
}

TEST_CASE("values that overflow double end every verb with exit code 2, naming the series and year", "[cli]") {
    const fs::path dir = fresh_dir("marketsim_cli_overflow");
    const std::string bad = marketsim::test::source_dir() + "/tests/bad_inputs/overflow_double.toml";
    {
        std::ifstream in(bad);
        std::ofstream out(dir / "other.toml");
        out << in.rdbuf() << "\n[set]\n\"scenario.name\" = \"other\"\n";
    }
    const std::string f = "'" + bad + "'";
    for (const std::string& args :
         {"run " + f + " --paths 100", "compare " + f + " other.toml --paths 100",
          "sweep " + f + " --set growth.rate=0.8:0.9:0.1 --paths 100", "sensitivity " + f + " --paths 100",
          "calibrate " + f + " --target total:2100=1e302 --bracket 0.5:0.9 --paths 100",
          "bench " + f + " --paths 1000 --threads 1 --repeat 1 --kernel-count 64 --json x/bench.json"}) {
        const Outcome o = cli(args + (args.rfind("bench", 0) == 0 ? "" : " --out x"), dir);
        INFO(args << "\n" << o.err);
        CHECK(o.code == 2);
        CHECK(o.err.find("overflow double (above 1.8e308) in") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "x"));
    }
    fs::remove_all(dir);
}

TEST_CASE("run writes bands.csv and summary.json and prints a summary", "[cli]") {
    const fs::path dir = fresh_dir("marketsim_cli_run");
    const Outcome o = cli("run '" + scenario("baseline.toml") + "' --paths 3000 --threads 2", dir);
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.find("CAGR 2022-2033") != std::string::npos);
    CHECK(o.out.find("target total 2030 >= 53.8") != std::string::npos);
    // default output folder: out/<scenario name>/ under the working folder
    const fs::path bands = dir / "out" / "baseline" / "bands.csv";
    REQUIRE(fs::exists(bands));
    std::ifstream s(dir / "out" / "baseline" / "summary.json");
    const nlohmann::json j = nlohmann::json::parse(s);
    CHECK(j["paths"] == 3000);
    fs::remove_all(dir);
}

TEST_CASE("every shipped scenario runs", "[cli]") {
    const fs::path dir = fresh_dir("marketsim_cli_shipped");
    for (const auto& entry : fs::directory_iterator(marketsim::test::source_dir() + "/scenarios")) {
        if (entry.path().extension() != ".toml") continue;
        const std::string stem = entry.path().stem().string();
        const Outcome o = cli("run '" + entry.path().string() + "' --paths 2000 --quiet --out '" +
                              (dir / stem).string() + "'");
        INFO(stem << ": " << o.err);
        CHECK(o.code == 0);
        CHECK(o.out.empty());
        CHECK(fs::exists(dir / stem / "bands.csv"));
        CHECK(fs::exists(dir / stem / "summary.json"));
    }
    fs::remove_all(dir);
}

TEST_CASE("the ci flag adds interval columns", "[cli]") {
    const fs::path dir = fresh_dir("marketsim_cli_ci");
    const Outcome o = cli("run '" + scenario("baseline.toml") + "' --paths 1000 --ci -q --out '" + dir.string() + "'");
    REQUIRE(o.code == 0);
    std::ifstream f(dir / "bands.csv");
    std::string header;
    std::getline(f, header);
    CHECK(header.find("mean,mean_lo,mean_hi,sd,sd_lo,sd_hi,p05,p05_lo,p05_hi") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("a bad scenario exits 2 - names the place - and writes nothing", "[cli]") {
    const fs::path dir = fresh_dir("marketsim_cli_bad");
    {
        std::ofstream f(dir / "bad.toml");
        f << "extends = \"" << scenario("baseline.toml") << "\"\n[growth]\nanual_sd = 0.02\n";
    }
    const Outcome o = cli("run bad.toml --paths 1000 --out results", dir);
    CHECK(o.code == 2);
    CHECK(o.err.find("bad.toml:3:1") != std::string::npos);
    CHECK(o.err.find("anual_sd") != std::string::npos);
    CHECK(o.err.find("did you mean 'annual_sd'") != std::string::npos);
    CHECK(!fs::exists(dir / "results"));

    const Outcome set = cli("run '" + scenario("baseline.toml") + "' --set growth.rate=abc --out results", dir);
    CHECK(set.code == 2);
    CHECK(set.err.find("growth.rate") != std::string::npos);
    CHECK(!fs::exists(dir / "results"));

    const Outcome unknown_path = cli("run '" + scenario("baseline.toml") + "' --set region.europa.shift=0.01", dir);
    CHECK(unknown_path.code == 2);
    CHECK(unknown_path.err.find("europe") != std::string::npos);

    const Outcome flag = cli("run '" + scenario("baseline.toml") + "' --pahts 10", dir);
    CHECK(flag.code == 2);
    CHECK(!flag.err.empty());

    const Outcome missing = cli("run no_such_file.toml", dir);
    CHECK(missing.code == 2);
    CHECK(missing.err.find("no_such_file.toml") != std::string::npos);

    const Outcome no_paths = cli("run '" + scenario("baseline.toml") + "' --paths 0", dir);
    CHECK(no_paths.code == 2);
    CHECK(!fs::exists(dir / "out"));
    fs::remove_all(dir);
}

TEST_CASE("validate prints the resolved scenario - the cells and the central-path CAGR", "[cli]") {
    const Outcome o = cli("validate '" + scenario("asia_pacific_acceleration.toml") + "'");
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.find("40 cells") != std::string::npos);
    CHECK(o.out.find("central-path CAGR") != std::string::npos);
    CHECK(o.out.find("0.027") != std::string::npos);
}

TEST_CASE("compare writes each scenario's bands and the paired deltas", "[cli][compare]") {
    const fs::path dir = fresh_dir("marketsim_cli_compare");
    const Outcome o = cli("compare '" + scenario("baseline.toml") + "' '" + scenario("recession_2027.toml") +
                              "' --paths 2000 --threads 2",
                          dir);
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.find("recession_2027") != std::string::npos);
    const fs::path out = dir / "out" / "compare-baseline-recession_2027";
    CHECK(fs::exists(out / "delta.csv"));
    CHECK(fs::exists(out / "summary.json"));
    CHECK(fs::exists(out / "baseline" / "bands.csv"));
    CHECK(fs::exists(out / "recession_2027" / "bands.csv"));

    const Outcome one = cli("compare '" + scenario("baseline.toml") + "'", dir);
    CHECK(one.code == 2);
    const Outcome bad = cli("compare '" + scenario("baseline.toml") + "' '" + scenario("baseline.toml") +
                                "' --set scenario.horizon=2030 --out x",
                            dir);
    CHECK(bad.code == 2);  // the same name twice
    CHECK(!fs::exists(dir / "x"));
    fs::remove_all(dir);
}

TEST_CASE("compare prints what moved most - the ranking the written bands and delta.csv give", "[cli][compare]") {
    const fs::path dir = fresh_dir("marketsim_cli_moved");
    const Outcome o = cli("compare '" + scenario("baseline.toml") + "' '" + scenario("recession_2027.toml") + "' '" +
                              scenario("asia_pacific_acceleration.toml") + "' --paths 3000 --top 4 --out o",
                          dir);
    INFO(o.err);
    REQUIRE(o.code == 0);
    const auto split = [](const std::string& line) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
        if (!line.empty() && line.back() == ',') f.emplace_back();
        return f;
    };
    // bands.csv: series,year,mean,sd,p05,p10,p25,p50,...: each series' 2033 median, in file order
    const auto p50_in = [&](const std::string& name) {
        std::vector<std::pair<std::string, double>> p50;
        std::ifstream in(dir / "o" / name / "bands.csv");
        for (std::string line; std::getline(in, line);) {
            const std::vector<std::string> f = split(line);
            if (f.size() > 7 && f[1] == "2033") p50.emplace_back(f[0], std::stod(f[7]));
        }
        return p50;
    };
    const auto a = p50_in("baseline");
    REQUIRE(a.size() == 12);
    for (const std::string what_if : {"recession_2027", "asia_pacific_acceleration"}) {
        const auto b = p50_in(what_if);
        REQUIRE(b.size() == a.size());
        // delta.csv: scenario,series,year,mean,sd,p05..p95,prob_b_gt_a,mean_pct,p50_pct
        std::map<std::string, std::vector<std::string>> delta;
        {
            std::ifstream in(dir / "o" / "delta.csv");
            for (std::string line; std::getline(in, line);) {
                const std::vector<std::string> f = split(line);
                if (f[0] == what_if && f[2] == "2033") delta[f[1]] = f;
            }
        }
        // the ranking recomputed: largest absolute change of the median first, ties in file order
        std::vector<std::pair<std::string, double>> expected;
        for (std::size_t s = 1; s < a.size(); ++s) expected.emplace_back(a[s].first, b[s].second - a[s].second);
        std::stable_sort(expected.begin(), expected.end(),
                         [](const auto& x, const auto& y) { return std::fabs(x.second) > std::fabs(y.second); });
        const std::string heading = "what moved most, " + what_if + " against baseline: p50 in 2033, USD bn\n";
        const std::size_t at = o.out.find(heading);
        REQUIRE(at != std::string::npos);
        std::istringstream table(o.out.substr(at + heading.size()));
        std::string header;
        std::getline(table, header);
        CHECK(header.find("change %") != std::string::npos);
        for (std::size_t i = 0; i < 4; ++i) {
            std::string line, series, shown_a, shown_b, change, pct, prob;
            std::getline(table, line);
            std::istringstream cells(line);
            cells >> series >> shown_a >> shown_b >> change >> pct >> prob;
            INFO(what_if << " rank " << i + 1 << ": " << line);
            CHECK(series == expected[i].first);
            REQUIRE(delta.count(series) == 1);
            const std::vector<std::string>& f = delta.at(series);
            REQUIRE(f.size() == 15);
            const double pa = std::find_if(a.begin(), a.end(), [&](const auto& x) { return x.first == series; })->second;
            const double p50_pct = std::stod(f[14]);
            CHECK(p50_pct == Approx(100 * expected[i].second / pa).epsilon(1e-12));
            char buf[64];
            std::snprintf(buf, sizeof buf, "%+.4g", expected[i].second);
            CHECK(change == buf);
            std::snprintf(buf, sizeof buf, "%+.2f%%", p50_pct);
            CHECK(pct == buf);
            std::snprintf(buf, sizeof buf, "%.3f", std::stod(f[12]));
            CHECK(prob == buf);
        }
        // --top 4: the table ends there
        std::string fifth;
        std::getline(table, fifth);
        CHECK(fifth.find('=') == std::string::npos);
    }
    fs::remove_all(dir);
}

TEST_CASE("compare refuses a --top that is not a positive whole number - exit 2, nothing written",
          "[cli][compare][bad_input]") {
    const fs::path dir = fresh_dir("marketsim_cli_top");
    for (const std::string top : {"0", "-3", "abc", "2.5"}) {
        const Outcome o = cli("compare '" + scenario("baseline.toml") + "' '" + scenario("recession_2027.toml") +
                                  "' --paths 500 --out o --top " + top,
                              dir);
        INFO("--top " << top << ": " << o.err);
        CHECK(o.code == 2);
        CHECK(o.err.find("--top") != std::string::npos);
        CHECK(o.err.find(top) != std::string::npos);
        CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);  // one line
        CHECK(o.out.empty());
        CHECK_FALSE(fs::exists(dir / "o"));
    }
    fs::remove_all(dir);
}

TEST_CASE("the SIMD target can be pinned and does not change a byte of the bands", "[cli][simd]") {
    const fs::path dir = fresh_dir("marketsim_cli_simd");
    std::string sc = "'";
    sc += scenario("recession_2027.toml") + "' --paths 5000 --threads 2";
    REQUIRE(cli("run " + sc + " --out best --simd best", dir).code == 0);
    const Outcome scalar = cli("run " + sc + " --out scalar --simd scalar", dir);
    INFO(scalar.err);
    REQUIRE(scalar.code == 0);
    const auto read = [&](const std::string& name) {
        std::ifstream f(dir / name);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    };
    const std::string bands = read("best/bands.csv");
    REQUIRE(!bands.empty());
    CHECK(read("scalar/bands.csv") == bands);
    CHECK(nlohmann::json::parse(read("scalar/summary.json"))["simd"] == "scalar");
    CHECK(nlohmann::json::parse(read("best/summary.json"))["simd"] != "scalar");

    const Outcome bad = cli("run " + sc + " --out bad --simd avx9000", dir);
    CHECK(bad.code == 2);
    CHECK(bad.err.find("avx9000") != std::string::npos);
    CHECK(bad.err.find("scalar") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad"));

    // MARKETSIM_SIMD pins it too (the command inherits this process's environment)
    ::setenv("MARKETSIM_SIMD", "scalar", 1);
    const Outcome by_env = cli("run " + sc + " --out by_env", dir);
    ::setenv("MARKETSIM_SIMD", "avx9000", 1);
    const Outcome bad_env = cli("run " + sc + " --out bad_env", dir);
    ::unsetenv("MARKETSIM_SIMD");
    REQUIRE(by_env.code == 0);
    CHECK(nlohmann::json::parse(read("by_env/summary.json"))["simd"] == "scalar");
    CHECK(read("by_env/bands.csv") == bands);
    CHECK(bad_env.code == 2);
    CHECK(bad_env.err.find("avx9000") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("a long run shows one updating progress line on a terminal - never in a pipe or with --quiet", "[cli][progress][slow]") {
    if (std::system("command -v script > /dev/null 2>&1") != 0 || std::system("script -qec true /dev/null > /dev/null 2>&1") != 0) {
        WARN("SKIPPED: no pseudo-terminal here (util-linux's `script` is missing or /dev/pts is not mounted)");
        return;
    }
    const fs::path dir = fresh_dir("marketsim_cli_progress");
    std::string sc = "'";
    sc += scenario("baseline.toml") + "' --paths 1500000 --threads 2";
    // `script` runs the command on a pseudo-terminal and copies what it prints, stderr included
    const auto on_terminal = [&](const std::string& args) {
        const auto start = std::chrono::steady_clock::now();
        const Outcome o = marketsim::test::shell("cd '" + dir.string() + "' && script -qec \"'" MARKETSIM_CLI "' " + args +
                                                 "\" /dev/null");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return std::make_pair(o, seconds);
    };
    const auto [shown, seconds] = on_terminal("run " + sc + " --out a");
    INFO(shown.out);
    REQUIRE(shown.code == 0);
    CHECK(shown.out.find("% ") != std::string::npos);
    CHECK(shown.out.find("paths/s") != std::string::npos);
    CHECK(shown.out.find("ETA") != std::string::npos);
    // at most ten updates a second (and one at the first block)
    double updates = 0;
    for (std::size_t at = shown.out.find("paths/s"); at != std::string::npos; at = shown.out.find("paths/s", at + 1)) ++updates;
    CHECK(updates <= 10 * seconds + 2);
    CHECK(shown.out.find("\033[K") != std::string::npos);  // the line is cleared before the summary

    const auto [quiet, quiet_seconds] = on_terminal("run " + sc + " --out b --quiet");
    REQUIRE(quiet.code == 0);
    CHECK(quiet.out.find("paths/s") == std::string::npos);

    const Outcome piped = cli("run " + sc + " --out c", dir);  // stderr to a file
    REQUIRE(piped.code == 0);
    CHECK(piped.err.empty());
    (void)quiet_seconds;
    fs::remove_all(dir);
}

TEST_CASE("the format option chooses the outputs - bands.xlsx holds the bands as numbers and a native chart per series",
          "[cli][xlsx]") {
    const fs::path dir = fresh_dir("marketsim_cli_xlsx");
    std::string sc = "'";
    sc += scenario("baseline.toml") + "' --paths 3000";
    const Outcome o = cli("run " + sc + " --format csv,json,xlsx --out all", dir);
    INFO(o.err);
    REQUIRE(o.code == 0);
    REQUIRE(fs::exists(dir / "all" / "bands.xlsx"));
    // read the workbook's XML: sheet names, charts, and the total's 2033 mean against bands.csv
    std::string mean_csv;
    {
        std::ifstream csv(dir / "all" / "bands.csv");
        for (std::string line; std::getline(csv, line);)
            if (line.rfind("total,2033,", 0) == 0) mean_csv = line.substr(11, line.find(',', 11) - 11);
    }
    REQUIRE(!mean_csv.empty());
    {
        std::ofstream py(dir / "read_xlsx.py");
        py << R"PY(import re, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile('all/bands.xlsx')
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
book = ET.fromstring(z.read('xl/workbook.xml'))
print('sheets', ','.join(s.get('name') for s in book.find('m:sheets', ns)))
print('charts', sum(1 for n in z.namelist() if re.fullmatch(r'xl/charts/chart\d+\.xml', n)))
sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
for c in sheet.iter('{%s}c' % ns['m']):
    if c.get('r') == 'C13':
        print('C13', c.find('m:v', ns).text, c.get('t', 'n'))
chart = z.read('xl/charts/chart1.xml').decode()
# the fan: stacked areas from the quantile columns' differences (hidden columns L..Q, R the median's
# zeros), its value axis fitted to the data
print('areaChart', 'c:areaChart' in chart, '<c:grouping val="stacked"/>' in chart, 'total!$E$2:$E$13' in chart,
      'total!$L$2:$L$13' in chart, 'total!$R$2:$R$13' in chart, 'c:lineChart' in chart)
axis = {k: float(re.search('<c:%s val="([^"]+)"' % k, chart).group(1)) for k in ('min', 'max', 'majorUnit')}
print('axis', axis['min'], axis['max'], axis['majorUnit'])
cells = {c.get('r'): c for c in sheet.iter('{%s}c' % ns['m'])}
value = lambda ref: float(cells[ref].find('m:v', ns).text)
print('quantiles 2033', min(value(c + '13') for c in 'EFGHIJK'), max(value(c + '13') for c in 'EFGHIJK'))
print('quantiles 2022', value('E2'), value('K2'))
# every number is written to 16 significant digits, so the difference agrees to about 1e-14
print('L13', cells['L13'].find('m:f', ns).text, abs(value('L13') - (value('F13') - value('E13'))) < 1e-12)
cols = ET.fromstring(z.read('xl/worksheets/sheet1.xml')).find('m:cols', ns)
print('hidden', [(c.get('min'), c.get('max')) for c in cols if c.get('hidden') == '1'])
)PY";
    }
    const Outcome x = marketsim::test::shell("cd '" + dir.string() + "' && python3 read_xlsx.py 2>&1");
    INFO(x.out << x.err);
    CHECK(x.out.find("sheets total,region,type,application,assumptions,run") != std::string::npos);
    CHECK(x.out.find("charts 12") != std::string::npos);  // the total, 5 regions, 4 types, 2 applications
    CHECK(x.out.find("areaChart True True True True True False") != std::string::npos);
    CHECK(x.out.find("L13 F13-E13 True") != std::string::npos);
    CHECK(x.out.find("hidden [('12', '18')]") != std::string::npos);
    {  // the value axis spans the fan, from the step at or below its lowest value, not from 0
        const auto numbers_after = [&](const std::string& key, std::size_t count) {
            const std::size_t at = x.out.find(key);
            REQUIRE(at != std::string::npos);
            std::istringstream in(x.out.substr(at + key.size()));
            std::vector<double> v(count);
            for (double& d : v) in >> d;
            return v;
        };
        const std::vector<double> axis = numbers_after("axis ", 3), late = numbers_after("quantiles 2033 ", 2),
                                  early = numbers_after("quantiles 2022 ", 2);
        const double lo = std::min(early[0], late[0]), hi = std::max(early[1], late[1]);
        INFO("axis " << axis[0] << " to " << axis[1] << " by " << axis[2] << "; data " << lo << " to " << hi);
        CHECK(axis[0] > 0);
        CHECK(axis[0] <= lo);
        CHECK(lo < axis[0] + axis[2]);
        CHECK(axis[1] >= hi);
        CHECK(hi > axis[1] - axis[2]);
    }
    const std::size_t at = x.out.find("C13 ");
    REQUIRE(at != std::string::npos);
    std::istringstream cell(x.out.substr(at + 4));
    double value = 0;
    std::string type;
    cell >> value >> type;
    CHECK(type == "n");  // a number, not text
    CHECK(value == Approx(std::stod(mean_csv)).epsilon(1e-14));

    const Outcome json_only = cli("run " + sc + " --format json --out j", dir);
    REQUIRE(json_only.code == 0);
    CHECK(fs::exists(dir / "j" / "summary.json"));
    CHECK_FALSE(fs::exists(dir / "j" / "bands.csv"));
    const Outcome typo = cli("run " + sc + " --format csv,xls --out t", dir);
    CHECK(typo.code == 2);
    CHECK(typo.err.find("did you mean 'xlsx'") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "t"));
    fs::remove_all(dir);
}

TEST_CASE("the reports show share series and list conditional shares, adjustments and uncertain once events",
          "[cli][xlsx][report]") {
    const fs::path dir = fresh_dir("marketsim_cli_v2_reports");
    // regional_mix: share series and a conditional share table; the benchmark's scenario: an
    // adjustment and uncertain impacts, one of them on a once event
    for (const std::string& name : {std::string("regional_mix"), std::string("model_v2")}) {
        const std::string file = name == "model_v2" ? marketsim::test::source_dir() + "/bench/model_v2.toml"
                                                    : scenario(name + ".toml");
        const Outcome o = cli("run '" + file + "' --paths 2000 --report --out " + name, dir);
        INFO(o.err);
        REQUIRE(o.code == 0);
    }
    {
        std::ofstream py(dir / "read_xlsx.py");
        py << R"(import re, sys, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
for name in ('regional_mix', 'model_v2'):
    z = zipfile.ZipFile(name + '/bands.xlsx')
    book = ET.fromstring(z.read('xl/workbook.xml'))
    sheets = [s.get('name') for s in book.find('m:sheets', ns)]
    print(name, 'sheets', ','.join(sheets))
    print(name, 'charts', sum(1 for n in z.namelist() if re.fullmatch(r'xl/charts/chart\d+\.xml', n)))
    strings = [''.join(t.text or '' for t in si.iter('{%s}t' % ns['m']))
               for si in ET.fromstring(z.read('xl/sharedStrings.xml'))]
    def rows(index):
        out = {}
        for c in ET.fromstring(z.read('xl/worksheets/sheet%d.xml' % index)).iter('{%s}c' % ns['m']):
            v = c.find('m:v', ns)
            if v is None: continue
            r = int(re.sub('[A-Z]', '', c.get('r')))
            out.setdefault(r, []).append(strings[int(v.text)] if c.get('t') == 's' else float(v.text))
        return [out[r] for r in sorted(out)]
    for row in rows(sheets.index('assumptions') + 1):
        print(name, 'assumption', '|'.join(str(x) for x in row))
    if 'region shares' in sheets:
        first = rows(sheets.index('region shares') + 1)[1]
        print(name, 'first share row', first[0], first[1], round(first[2], 12))
)";
    }
    const Outcome x = marketsim::test::shell("cd '" + dir.string() + "' && python3 read_xlsx.py 2>&1");
    INFO(x.out << x.err);
    CHECK(x.out.find("regional_mix sheets total,region,type,application,region shares,type shares,application shares,"
                     "assumptions,run") != std::string::npos);
    // the total, 11 members and their 11 shares
    CHECK(x.out.find("regional_mix charts 23") != std::string::npos);
    // a share series in the base year is the member's exact base share: north_america's 0.36
    CHECK(x.out.find("regional_mix first share row share:region=north_america 2022.0 0.36\n") != std::string::npos);
    CHECK(x.out.find("regional_mix assumption type shares within region|voice|video|virtualized|wan") != std::string::npos);
    CHECK(x.out.find("regional_mix assumption asia_pacific|0.1|0.45|0.25|0.2") != std::string::npos);
    CHECK(x.out.find("regional_mix assumption share series|each member's share of the total (series share:...)") !=
          std::string::npos);
    CHECK(x.out.find("model_v2 assumption private_backbones|0.3|at most once in its years|2027-2030|-0.1054|-0.1625|-0.0513|"
                     "pert (impact: the mode)|1.0|application: corporate") != std::string::npos);
    CHECK(x.out.find("model_v2 assumption price_war|0.1|each year, independently|2024-2033|-0.02|-0.05|0.0|"
                     "triangular (impact: the mode)|2.0|type: video") != std::string::npos);
    CHECK(x.out.find("model_v2 assumption apac_cloud|region: asia_pacific; type: virtualized|2023: 0.03, 2030: 0|1.25|1.2") !=
          std::string::npos);
    CHECK(x.out.find("model_v2 assumption annual tails|Student-t years, 5 degrees of freedom") != std::string::npos);

    const auto read = [](const fs::path& p) {
        std::ifstream f(p);
        return std::string(std::istreambuf_iterator<char>(f), {});
    };
    const std::string mix = read(dir / "regional_mix" / "report.html");
    CHECK(mix.find("<h2>Shares of the total by region</h2>") != std::string::npos);
    CHECK(mix.find("<title>share:region=asia_pacific</title>") != std::string::npos);
    CHECK(mix.find("% of the total</text>") != std::string::npos);  // the axis of a share chart
    // each target's exceedance curve, and every series (shares in percent) at the chosen years
    CHECK(mix.find("<h2>Probability of exceeding</h2>") != std::string::npos);
    CHECK(mix.find("<title>P(total in 2030 &gt;= x)</title>") != std::string::npos);
    CHECK(mix.find("<h2>Every series at chosen years</h2>") != std::string::npos);
    CHECK(mix.find("<th>2033 p95</th></tr>") != std::string::npos);
    CHECK(mix.find("<tr><td class=\"l\">share:region=north_america</td><td>36.00%</td>") != std::string::npos);
    const std::string v2 = read(dir / "model_v2" / "report.html");
    CHECK(v2.find("<td class=\"l\">private_backbones</td><td>0.3</td><td class=\"l\">at most once in its years</td>") !=
          std::string::npos);
    CHECK(v2.find("<td>-0.1625</td><td>-0.0513</td><td class=\"l\">pert (impact: the mode)</td>") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("report.html is one self-contained file with inline SVG charts", "[cli][report]") {
    const fs::path dir = fresh_dir("marketsim_cli_report");
    std::string sc = "'";
    sc += scenario("recession_2027.toml") + "' --paths 5000";
    const Outcome o = cli("run " + sc + " --report --out r", dir);
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(fs::exists(dir / "r" / "bands.xlsx"));  // --report adds the workbook too
    std::string html;
    {
        std::ifstream f(dir / "r" / "report.html");
        std::stringstream ss;
        ss << f.rdbuf();
        html = ss.str();
    }
    REQUIRE(!html.empty());
    std::size_t svgs = 0;
    for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
    CHECK(svgs >= 4);  // the total, the members of each dimension, the CAGR distribution
    CHECK(html.find("recession_2027") != std::string::npos);
    CHECK(html.find("P5-P95") != std::string::npos);
    // nothing from outside: no scripts, links, images, imports or fonts fetched
    for (const char* outside : {"src=", "href=", "url(", "@import", "<script", "<link"}) {
        INFO("found " << outside);
        CHECK(html.find(outside) == std::string::npos);
    }

    fs::remove_all(dir);
}

TEST_CASE("report.html renders in headless Chromium: a page with ink and a silent console", "[browser][report]") {
    if (std::system("command -v chromium > /dev/null 2>&1") != 0) {
        WARN("SKIPPED: Debian's chromium is not installed (scripts/setup.sh installs it)");
        return;
    }
    const fs::path dir = fresh_dir("marketsim_browser_report");
    std::string sc = "'";
    sc += scenario("recession_2027.toml") + "' --paths 5000";
    const Outcome o = cli("run " + sc + " --format html --out r", dir);
    INFO(o.err);
    REQUIRE(o.code == 0);
    const std::string cmd = "cd '" + dir.string() +
                            "' && chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                            "--disable-background-networking --disable-component-update --disable-sync "
                            "--user-data-dir=chromium-profile --enable-logging=stderr --v=0 --window-size=1100,1600 "
                            "--screenshot=shot.png file://" + (dir / "r" / "report.html").string() + " 2> chromium.log";
    REQUIRE(std::system(cmd.c_str()) == 0);
    REQUIRE(fs::exists(dir / "shot.png"));
    std::string log;
    {
        std::ifstream f(dir / "chromium.log");
        std::stringstream ss;
        ss << f.rdbuf();
        log = ss.str();
    }
    INFO(log);
    CHECK(log.find("CONSOLE") == std::string::npos);  // no console message at all, errors included
    // not blank: the PNG's pixel rows (inflated) vary
    {
        std::ofstream py(dir / "blank.py");
        py << R"(import struct, zlib
data = open('shot.png', 'rb').read()
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    if kind == b'IDAT':
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
print('nonzero', sum(1 for b in raw if b) / len(raw), 'distinct', len(set(raw)))
)";
    }
    const Outcome x = marketsim::test::shell("cd '" + dir.string() + "' && python3 blank.py 2>&1");
    INFO(x.out);
    std::istringstream in(x.out);
    std::string word;
    double nonzero = 0, distinct = 0;
    in >> word >> nonzero >> word >> distinct;
    CHECK(nonzero > 0.005);  // a blank page inflates to about 0.0002: one filter byte a row
    CHECK(distinct > 50);
    fs::remove_all(dir);
}

TEST_CASE("compare and sensitivity write their reports with report", "[cli][report]") {
    const fs::path dir = fresh_dir("marketsim_cli_reports");
    std::string a = "'", b = "'";
    a += scenario("baseline.toml") + "'";
    b += scenario("recession_2027.toml") + "'";
    const auto read = [&](const fs::path& p) {
        std::ifstream f(p);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    };
    const auto svgs = [](const std::string& html) {
        std::size_t n = 0;
        for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++n;
        return n;
    };
    const Outcome c = cli("compare " + a + " " + b + " --paths 3000 --report --out c -q", dir);
    INFO(c.err);
    REQUIRE(c.code == 0);
    const std::string compare_html = read(dir / "c" / "report.html");
    CHECK(svgs(compare_html) >= 2 + 11);  // the overlaid fans, the delta fan, every member's delta fan
    CHECK(compare_html.find("recession_2027 - baseline") != std::string::npos);
    CHECK(compare_html.find("What moved most, recession_2027 against baseline") != std::string::npos);
    for (const char* dimension : {"By region", "By type", "By application"}) {
        INFO(dimension);
        CHECK(compare_html.find(dimension) != std::string::npos);
    }
    CHECK(fs::exists(dir / "c" / "baseline" / "bands.xlsx"));
    CHECK(fs::exists(dir / "c" / "recession_2027" / "bands.xlsx"));
    const Outcome s = cli("sensitivity " + a + " --paths 300 --report --out s -q", dir);
    INFO(s.err);
    REQUIRE(s.code == 0);
    const std::string sensitivity_html = read(dir / "s" / "report.html");
    CHECK(svgs(sensitivity_html) >= 2);  // the tornado, the indices by year
    CHECK(sensitivity_html.find("Tornado") != std::string::npos);
    for (const std::string* html : {&compare_html, &sensitivity_html})
        for (const char* outside : {"src=", "href=", "url(", "@import", "<script", "<link"}) {
            INFO("found " << outside);
            CHECK(html->find(outside) == std::string::npos);
        }
    fs::remove_all(dir);
}

TEST_CASE("compare and sensitivity take format - delta.xlsx and sensitivity.xlsx hold numbers and native charts",
          "[cli][xlsx]") {
    const fs::path dir = fresh_dir("marketsim_cli_formats");
    std::string a = "'", b = "'";
    a += scenario("baseline.toml") + "'";
    b += scenario("recession_2027.toml") + "'";
    const Outcome c = cli("compare " + a + " " + b + " --paths 3000 --format csv,xlsx --out c -q", dir);
    INFO(c.err);
    REQUIRE(c.code == 0);
    CHECK(fs::exists(dir / "c" / "delta.csv"));
    CHECK(fs::exists(dir / "c" / "delta.xlsx"));
    CHECK(fs::exists(dir / "c" / "baseline" / "bands.csv"));
    CHECK(fs::exists(dir / "c" / "recession_2027" / "bands.xlsx"));
    CHECK_FALSE(fs::exists(dir / "c" / "summary.json"));  // json not chosen
    CHECK_FALSE(fs::exists(dir / "c" / "baseline" / "summary.json"));
    CHECK_FALSE(fs::exists(dir / "c" / "report.html"));

    const Outcome s = cli("sensitivity " + a + " --paths 300 --format xlsx --out s -q", dir);
    INFO(s.err);
    REQUIRE(s.code == 0);
    CHECK(fs::exists(dir / "s" / "sensitivity.xlsx"));
    CHECK_FALSE(fs::exists(dir / "s" / "sensitivity.csv"));
    const Outcome s2 = cli("sensitivity " + a + " --paths 300 --out s2 -q", dir);  // the default: csv and json
    REQUIRE(s2.code == 0);
    CHECK(fs::exists(dir / "s2" / "sensitivity.csv"));
    CHECK(fs::exists(dir / "s2" / "summary.json"));
    CHECK_FALSE(fs::exists(dir / "s2" / "sensitivity.xlsx"));

    // the workbooks' XML against the CSVs: the total's 2033 delta mean, the top input's total index
    std::string delta_mean, top_input, top_total;
    {
        std::ifstream csv(dir / "c" / "delta.csv");
        for (std::string line; std::getline(csv, line);)
            if (line.rfind("recession_2027,total,2033,", 0) == 0) delta_mean = line.substr(26, line.find(',', 26) - 26);
        std::ifstream sens(dir / "s2" / "sensitivity.csv");
        std::string line;
        std::getline(sens, line);
        std::getline(sens, line);  // the top input: name,partition,first,lo,hi,total,...
        std::stringstream row(line);
        std::string field;
        for (int k = 0; std::getline(row, field, ','); ++k) {
            if (k == 0) top_input = field;
            if (k == 5) top_total = field;
        }
    }
    REQUIRE(!delta_mean.empty());
    REQUIRE(!top_total.empty());
    {
        std::ofstream py(dir / "read.py");
        py << R"PY(import re, sys, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
def cell(z, sheet, ref):
    for c in ET.fromstring(z.read(sheet)).iter('{%s}c' % ns['m']):
        if c.get('r') == ref:
            return c.find('m:v', ns).text + ' ' + c.get('t', 'n')
def strings(z):
    return [t.text for t in ET.fromstring(z.read('xl/sharedStrings.xml')).iter('{%s}t' % ns['m'])]
for name in ['c/delta.xlsx', 's/sensitivity.xlsx']:
    z = zipfile.ZipFile(name)
    book = ET.fromstring(z.read('xl/workbook.xml'))
    charts = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r'xl/charts/chart\d+\.xml', n)]
    print(name, 'sheets', ','.join(s.get('name') for s in book.find('m:sheets', ns)))
    print(name, 'charts', len(charts), *(kind + ' ' + str(sum('c:%sChart' % kind in c for c in charts)) for kind in ('area', 'line', 'bar')))
z = zipfile.ZipFile('c/delta.xlsx')
print('delta C13', cell(z, 'xl/worksheets/sheet1.xml', 'C13'))
b2 = cell(z, 'xl/worksheets/sheet2.xml', 'B2').split()
print('moved', strings(z)[int(b2[0])], cell(z, 'xl/worksheets/sheet2.xml', 'F2'))
z = zipfile.ZipFile('s/sensitivity.xlsx')
a2 = cell(z, 'xl/worksheets/sheet1.xml', 'A2').split()
print('top', strings(z)[int(a2[0])], cell(z, 'xl/worksheets/sheet1.xml', 'F2'))
# the tornado's bars grow from the median (the category axis crosses the values there), both ends on one row
tornado = [c for c in (z.read(n).decode() for n in z.namelist() if re.fullmatch(r'xl/charts/chart\d+\.xml', n))
           if 'tenth of paths' in c][0]
cat = re.search(r'<c:catAx>.*?</c:catAx>', tornado, re.S).group(0)
print('tornado crosses', re.search(r'<c:crossesAt val="([^"]+)"', cat).group(1), 'median',
      cell(z, 'xl/worksheets/sheet1.xml', 'K2').split()[0], 'overlap', re.search(r'<c:overlap val="([^"]+)"', tornado).group(1))
)PY";
    }
    const Outcome x = marketsim::test::shell("cd '" + dir.string() + "' && python3 read.py 2>&1");
    INFO(x.out << x.err);
    CHECK(x.out.find("c/delta.xlsx sheets 1 recession_2027,moved,run") != std::string::npos);
    CHECK(x.out.find("c/delta.xlsx charts 13 area 12 line 0 bar 1") != std::string::npos);  // the fans, what moved
    CHECK(x.out.find("s/sensitivity.xlsx sheets indices,by_year,run") != std::string::npos);
    CHECK(x.out.find("s/sensitivity.xlsx charts 3 area 0 line 1 bar 2") != std::string::npos);  // tornado, indices, by year
    {
        const std::size_t at = x.out.find("tornado crosses ");
        REQUIRE(at != std::string::npos);
        std::istringstream in(x.out.substr(at + 16));
        double crosses = 0, median = 0;
        std::string word, overlap;
        in >> crosses >> word >> median >> word >> overlap;
        CHECK(crosses == Approx(median).epsilon(1e-14));  // both written to 16 significant digits
        CHECK(overlap == "100");
    }
    const auto number_after = [&](const std::string& key) {
        const std::size_t at = x.out.find(key);
        REQUIRE(at != std::string::npos);
        std::istringstream in(x.out.substr(at + key.size()));
        double v = 0;
        std::string type;
        in >> v >> type;
        CHECK(type == "n");
        return v;
    };
    CHECK(number_after("delta C13 ") == Approx(std::stod(delta_mean)).epsilon(1e-14));
    CHECK(number_after("top " + top_input + " ") == Approx(std::stod(top_total)).epsilon(1e-14));
    // the moved sheet's first row: the change of the median in percent, as delta.csv's p50_pct
    std::string moved_series;
    {
        const std::size_t at = x.out.find("moved ");
        REQUIRE(at != std::string::npos);
        std::istringstream in(x.out.substr(at + 6));
        in >> moved_series;
    }
    std::string p50_pct;
    {
        std::ifstream csv(dir / "c" / "delta.csv");
        const std::string prefix = "recession_2027," + moved_series + ",2033,";
        for (std::string line; std::getline(csv, line);)
            if (line.rfind(prefix, 0) == 0) p50_pct = line.substr(line.rfind(',') + 1);
    }
    REQUIRE(!p50_pct.empty());
    CHECK(100 * number_after("moved " + moved_series + " ") == Approx(std::stod(p50_pct)).epsilon(1e-12));
    fs::remove_all(dir);
}

TEST_CASE("a full disk or an unwritable folder gives a clear error and leaves earlier results intact",
          "[cli][safe_writes]") {
    const fs::path dir = fresh_dir("marketsim_cli_full_disk");
    const fs::path mnt = dir / "small";
    fs::create_directories(mnt);
    // a 256 KiB file system: one baseline run's outputs fit (about 200 KiB), a second set beside them does not
    if (std::system(("mount -t tmpfs -o size=256k tmpfs '" + mnt.string() + "' 2>/dev/null").c_str()) != 0) {
        WARN("SKIPPED: mounting a small tmpfs needs root (or CAP_SYS_ADMIN)");
        fs::remove_all(dir);
        return;
    }
    struct Unmount {
        fs::path at;
        ~Unmount() {
            if (std::system(("umount '" + at.string() + "' 2>/dev/null").c_str()) == 0)
                fs::remove_all(at.parent_path());
        }
    } unmount{mnt};
    std::string sc = "'";
    sc += scenario("baseline.toml") + "' --paths 2000";
    const Outcome first = cli("run " + sc + " --out small/r -q", dir);
    INFO(first.err);
    REQUIRE(first.code == 0);
    const auto read = [](const fs::path& p) {
        std::ifstream f(p, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    };
    const std::string bands = read(mnt / "r" / "bands.csv"), summary = read(mnt / "r" / "summary.json");
    const Outcome second = cli("run " + sc + " --ci --seed 9 --out small/r -q", dir);
    INFO(second.err);
    CHECK(second.code == 2);
    CHECK(second.err.find("cannot write") != std::string::npos);
    CHECK(second.err.find("disk full or folder not writable?") != std::string::npos);
    CHECK(read(mnt / "r" / "bands.csv") == bands);  // the earlier results, untouched
    CHECK(read(mnt / "r" / "summary.json") == summary);
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(mnt / "r")) {
        INFO(entry.path().string());
        CHECK(entry.path().filename().string()[0] != '.');  // no temporary file left
        ++files;
    }
    CHECK(files == 2);

    // a read-only folder: refused before anything is written
    REQUIRE(std::system(("mount -o remount,ro '" + mnt.string() + "'").c_str()) == 0);
    const Outcome ro = cli("run " + sc + " --out small/new -q", dir);
    INFO(ro.err);
    CHECK(ro.code == 2);
    CHECK(ro.err.find("--out small/new: cannot create the folder") != std::string::npos);
    CHECK(read(mnt / "r" / "bands.csv") == bands);
}

TEST_CASE("sensitivity settings writes the tornado and spider tables, summary, report and workbook", "[cli][xlsx]") {
    const fs::path dir = fresh_dir("marketsim_cli_settings");
    const std::string a = "'" + scenario("baseline.toml") + "'";
    const auto read = [&](const fs::path& p) {
        std::ifstream f(p);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    };
    const Outcome o = cli("sensitivity " + a + " --settings --paths 2000 --format csv,json,xlsx,html --out t -q", dir);
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.empty());
    // every numeric input but the target's value: a row each, largest swing first
    std::size_t inputs = 0;
    for (const marketsim::NumericInput& in : marketsim::numeric_inputs(marketsim::load_scenario(scenario("baseline.toml"))))
        inputs += in.path.rfind("target[", 0) != 0;
    CHECK(inputs == 44);
    std::string top;
    {
        std::ifstream csv(dir / "t" / "settings.csv");
        std::string line;
        std::getline(csv, line);
        CHECK(line == "rank,path,value,range,clamped,low,high,p50_low,p50_high,swing,mean_low,mean_high,p_target1_low,"
                      "p_target1_high,p50");
        std::size_t rows = 0;
        double previous = INFINITY;
        while (std::getline(csv, line)) {
            std::vector<std::string> f;
            std::stringstream row(line);
            for (std::string x; std::getline(row, x, ',');) f.push_back(x);
            REQUIRE(f.size() == 15);
            CHECK(f[0] == std::to_string(rows + 1));
            if (rows == 0) top = f[1];
            const double swing = std::stod(f[9]);
            CHECK(swing <= previous);
            CHECK(swing == Approx(std::fabs(std::stod(f[8]) - std::stod(f[7]))).epsilon(1e-12));
            previous = swing;
            ++rows;
        }
        CHECK(rows == inputs);
    }
    CHECK(top == "scenario.base_value");  // -/+20% of the value moves every path by -/+20%
    {
        std::ifstream csv(dir / "t" / "spider.csv");
        std::string line;
        std::getline(csv, line);
        CHECK(line == "path,point,position,value,p50");
        std::size_t rows = 0;
        while (std::getline(csv, line)) ++rows;
        CHECK(rows == 5 * inputs);
    }
    std::ifstream js(dir / "t" / "summary.json");
    const nlohmann::json j = nlohmann::json::parse(js);
    CHECK(j["inputs"].size() == inputs);
    CHECK(j["paths"] == 2000);
    CHECK(j["inputs"][0]["path"] == top);
    CHECK(j["inputs"][0]["spider"].size() == 5);
    const std::string html = read(dir / "t" / "report.html");
    std::size_t svgs = 0;
    for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
    CHECK(svgs == 2);  // the tornado, the spider
    CHECK(html.find("Tornado") != std::string::npos);
    CHECK(html.find("Spider") != std::string::npos);
    for (const char* outside : {"src=", "href=", "url(", "@import", "<script", "<link"}) {
        INFO("found " << outside);
        CHECK(html.find(outside) == std::string::npos);
    }
    {
        std::ofstream py(dir / "read.py");
        py << R"(import re, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
z = zipfile.ZipFile('t/settings.xlsx')
book = ET.fromstring(z.read('xl/workbook.xml'))
charts = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r'xl/charts/chart\d+\.xml', n)]
print('sheets', ','.join(s.get('name') for s in book.find('m:sheets', ns)))
print('charts', len(charts), 'line', sum('c:lineChart' in c for c in charts), 'bar', sum('c:barChart' in c for c in charts))
strings = [t.text for t in ET.fromstring(z.read('xl/sharedStrings.xml')).iter('{%s}t' % ns['m'])]
for c in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter('{%s}c' % ns['m']):
    if c.get('r') == 'B2':
        print('top', strings[int(c.find('m:v', ns).text)])
)";
    }
    const Outcome x = marketsim::test::shell("cd '" + dir.string() + "' && python3 read.py 2>&1");
    INFO(x.out << x.err);
    CHECK(x.out.find("sheets settings,spider,run") != std::string::npos);
    CHECK(x.out.find("charts 2 line 1 bar 1") != std::string::npos);  // the tornado, the spider
    CHECK(x.out.find("top " + top) != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("sensitivity settings refuses a bad range - naming the flag - exits 2 and writes nothing", "[cli][bad_input]") {
    const fs::path dir = fresh_dir("marketsim_cli_settings_bad");
    const std::string a = "sensitivity '" + scenario("baseline.toml") + "' --paths 100 --out x ";
    const std::pair<std::string, std::string> cases[] = {
        {"--settings --range growth.rat=0.04:0.06", "--range growth.rat=0.04:0.06: 'growth.rat' is not a numeric input"},
        {"--settings --range growth.rat=0.04:0.06", "did you mean 'growth.rate'?"},
        {"--settings --range growth.rate=0.06:0.04", "--range growth.rate=0.06:0.04: the low end 0.06 is above the high end 0.04"},
        {"--settings --range growth.rate=0.04", "--range growth.rate=0.04: expected PATH=LO:HI"},
        {"--settings --range event.global_slowdown.probability=0:1.5",
         "1.5 is outside the valid range of event.global_slowdown.probability, [0, 1]"},
        {"--settings --range region.europe.share=0:0.5", "0 is outside the valid range of region.europe.share, (0, 1)"},
        {"--settings --range target[0].value=50:60", "'target[0].value' is not a numeric input"},
        {"--range growth.rate=0.04:0.06", "--range chooses the ends of --settings; add --settings"},
        {"--settings --series totl", "did you mean 'total'?"},
    };
    for (const auto& [args, message] : cases) {
        const Outcome o = cli(a + args, dir);
        INFO(args << "\n" << o.err);
        CHECK(o.code == 2);
        CHECK(o.err.find(message) != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "x"));
    }
    fs::remove_all(dir);
}
