// marketsim._core: the library's API for Python (pybind11). The package in sim/python/marketsim
// turns what this returns into pandas frames and plots; every number comes from the library.
//
// Sampling runs on a thread of its own with the GIL released, while the calling thread waits and
// runs Python's signal handlers every 50 ms: a KeyboardInterrupt (Ctrl-C in a notebook) sets the
// run's stop check (RunOptions::stop, interrupt.hpp's mechanism), the blocks in flight finish and
// the KeyboardInterrupt is raised.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "marketsim/calibrate.hpp"
#include "marketsim/compare.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/json.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/sweep.hpp"
#include "marketsim/version.hpp"

namespace py = pybind11;
namespace ms = marketsim;

namespace {

// ---- running without the GIL, stoppable from Python ---------------------------------------------

/** Runs `work(stop)` on a thread of its own with the GIL released. Meanwhile the calling thread
 *  runs Python's signal handlers every 50 ms; when one raises (KeyboardInterrupt), the stop check
 *  turns to SIGINT, the work ends after the blocks in flight and the Python exception is raised.
 *  Exceptions of the work are rethrown here, in the calling thread. */
template <class T, class Work>
T interruptible(Work&& work) {
    std::atomic<int> stop_reason{0};
    const ms::StopCheck stop = [&stop_reason] { return stop_reason.load(std::memory_order_relaxed); };
    std::optional<T> result;
    std::exception_ptr error;
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool python_error = false;
    {
        py::gil_scoped_release release;
        std::thread worker([&] {
            try {
                result.emplace(work(stop));
            } catch (...) {
                error = std::current_exception();
            }
            const std::lock_guard<std::mutex> lock(mutex);
            done = true;
            finished.notify_one();
        });
        std::unique_lock<std::mutex> lock(mutex);
        while (!finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) {
            if (python_error) continue;
            lock.unlock();
            {
                py::gil_scoped_acquire gil;
                if (PyErr_CheckSignals() != 0) python_error = true;  // the error stays set for below
            }
            if (python_error) stop_reason.store(SIGINT);
            lock.lock();
        }
        lock.unlock();
        worker.join();
    }
    if (python_error) throw py::error_already_set();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

ms::RunOptions run_options(std::uint64_t paths, std::optional<std::uint64_t> seed, std::optional<int> threads) {
    ms::RunOptions options;
    options.paths = paths;
    options.seed = seed;
    if (threads) {
        if (*threads < 1) throw ms::InputError("threads = " + std::to_string(*threads) + ": give at least 1 (None: every core)");
        options.threads = *threads;
    }
    return options;
}

// ---- CSV text as columns -----------------------------------------------------------------------

/** The library's CSV text as {column: values}: `year` as int64, a column of numbers as float64
 *  (read back exactly: the text is each double's shortest round-trip form), else strings. */
py::dict columns(const std::string& csv) {
    std::vector<std::vector<std::string>> rows;
    std::size_t start = 0;
    while (start < csv.size()) {
        std::size_t end = csv.find('\n', start);
        if (end == std::string::npos) end = csv.size();
        std::vector<std::string> cells;
        std::size_t cell = start;
        while (true) {
            const std::size_t comma = csv.find(',', cell);
            if (comma == std::string::npos || comma > end) {
                cells.push_back(csv.substr(cell, end - cell));
                break;
            }
            cells.push_back(csv.substr(cell, comma - cell));
            cell = comma + 1;
        }
        rows.push_back(std::move(cells));
        start = end + 1;
    }
    py::dict out;
    if (rows.empty()) return out;
    const std::vector<std::string>& header = rows.front();
    const std::size_t n = rows.size() - 1;
    for (std::size_t c = 0; c < header.size(); ++c) {
        std::vector<double> numbers(n);
        bool numeric = true;
        for (std::size_t r = 0; r < n && numeric; ++r) {
            const std::string& text = rows[r + 1].at(c);
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), numbers[r]);
            numeric = ec == std::errc() && end == text.data() + text.size() && !text.empty();
        }
        if (numeric && header[c] == "year") {
            py::array_t<std::int64_t> years(static_cast<py::ssize_t>(n));
            auto view = years.mutable_unchecked<1>();
            for (std::size_t r = 0; r < n; ++r) view(static_cast<py::ssize_t>(r)) = static_cast<std::int64_t>(numbers[r]);
            out[py::str(header[c])] = years;
        } else if (numeric) {
            out[py::str(header[c])] = py::array_t<double>(static_cast<py::ssize_t>(n), numbers.data());
        } else {
            py::list text;
            for (std::size_t r = 0; r < n; ++r) text.append(rows[r + 1].at(c));
            out[py::str(header[c])] = text;
        }
    }
    return out;
}

// ---- results kept with what made them ----------------------------------------------------------

struct RunResult {
    ms::Scenario scenario;
    ms::Results results;
};

struct CompareResult {
    std::vector<ms::Scenario> scenarios;
    ms::Comparison comparison;
};

struct SweepResult {
    std::vector<ms::SweepAxis> axes;
    std::vector<std::string> fixed;
    ms::Sweep sweep;
};

py::dict facts(const ms::RunFacts& f) {
    py::dict d;
    d["seed"] = f.seed;
    d["paths"] = f.paths;
    d["threads"] = f.threads;
    d["processes"] = f.processes;
    d["simd"] = f.simd;
    d["elapsed_seconds"] = f.elapsed_seconds;
    return d;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "marketsim's C++ library for Python; use the `marketsim` package, not this module.";
    m.attr("__version__") = std::string(ms::version());

    // InputError: a mistake the user can fix. The package turns it into ScenarioError (with the
    // place it names) or ValueError; Interrupted (a stop without a Python signal) into
    // KeyboardInterrupt.
    static py::exception<ms::InputError> input_error(m, "InputError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const ms::InputError& e) {
            PyErr_SetString(input_error.ptr(), e.what());
        } catch (const ms::Interrupted& e) {
            PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
        }
    });

    py::class_<ms::Scenario>(m, "Scenario")
        .def_readonly("name", &ms::Scenario::name)
        .def_readonly("unit", &ms::Scenario::unit)
        .def_readonly("base_year", &ms::Scenario::base_year)
        .def_readonly("horizon", &ms::Scenario::horizon)
        .def_readonly("seed", &ms::Scenario::seed)
        .def_readonly("warnings", &ms::Scenario::warnings)
        .def_property_readonly("file", [](const ms::Scenario& s) { return s.source.file; })
        .def_property_readonly("sets", [](const ms::Scenario& s) { return s.source.sets; })
        .def_property_readonly("series", [](const ms::Scenario& s) { return ms::series_names(s, s.cells); })
        .def("inputs",
             [](const ms::Scenario& s) {
                 std::vector<std::pair<std::string, double>> out;
                 for (const ms::NumericInput& in : ms::numeric_inputs(s)) out.emplace_back(in.path, in.value);
                 return out;
             })
        .def("with_sets", [](const ms::Scenario& s, const std::vector<std::string>& sets) { return ms::with_sets(s, sets); })
        .def("to_toml", [](const ms::Scenario& s) { return ms::to_toml(s); })
        .def("to_json", [](const ms::Scenario& s) { return ms::to_json(s).dump(); });

    m.def("load", [](const std::string& file, const std::vector<std::string>& sets) { return ms::load_scenario(file, sets); },
          py::arg("file"), py::arg("sets"));

    py::class_<RunResult>(m, "RunResult")
        .def_property_readonly("facts", [](const RunResult& r) { return facts(r.results); })
        .def_property_readonly("series", [](const RunResult& r) { return r.results.series; })
        .def_property_readonly("base_year", [](const RunResult& r) { return r.results.base_year; })
        .def_property_readonly("years", [](const RunResult& r) { return r.results.years; })
        .def_property_readonly("quantiles", [](const RunResult& r) { return r.results.quantiles; })
        .def_property_readonly("warnings", [](const RunResult& r) { return r.results.warnings; })
        .def_property_readonly("scenario", [](const RunResult& r) { return r.scenario; })
        .def("bands", [](const RunResult& r, bool ci) { return columns(ms::bands_csv(r.results, ci)); }, py::arg("ci"))
        .def("summary_json", [](const RunResult& r) { return ms::summary_json(r.scenario, r.results).dump(); })
        .def("targets",
             [](const RunResult& r) {
                 py::dict out;
                 py::list series, year, value, probability, se, hits;
                 for (const ms::TargetResult& t : r.results.targets) {
                     series.append(t.target.series);
                     year.append(t.target.year);
                     value.append(t.target.value);
                     probability.append(t.probability);
                     se.append(t.se);
                     hits.append(t.hits);
                 }
                 out["series"] = series;
                 out["year"] = year;
                 out["value"] = value;
                 out["probability"] = probability;
                 out["se"] = se;
                 out["hits"] = hits;
                 return out;
             })
        .def("central_path",
             [](const RunResult& r, const std::string& series) {
                 const std::size_t s = r.results.series_index(series);
                 const auto first = r.results.central_path.begin() + static_cast<std::ptrdiff_t>(s * (r.results.years + 1));
                 return std::vector<double>(first, first + r.results.years + 1);
             })
        .def(
            "paths",
            [](const RunResult& r, const std::vector<std::string>& series, std::uint64_t count, double max_bytes) {
                ms::SamplePaths sample;
                {
                    py::gil_scoped_release release;
                    sample = ms::sample_paths(r.scenario, series, count, r.results.seed, max_bytes);
                }
                const auto years = static_cast<py::ssize_t>(r.results.years + 1);
                py::array_t<double> out({static_cast<py::ssize_t>(series.size()), static_cast<py::ssize_t>(count), years});
                auto view = out.mutable_unchecked<3>();
                for (std::size_t s = 0; s < sample.values.size(); ++s)
                    for (std::size_t p = 0; p < sample.values[s].size(); ++p)
                        for (py::ssize_t t = 0; t < years; ++t)
                            view(static_cast<py::ssize_t>(s), static_cast<py::ssize_t>(p), t) =
                                sample.values[s][p][static_cast<std::size_t>(t)];
                return out;
            },
            py::arg("series"), py::arg("count"), py::arg("max_bytes"));

    m.def(
        "run",
        [](const ms::Scenario& scenario, std::uint64_t paths, std::optional<std::uint64_t> seed, std::optional<int> threads,
           std::optional<double> precision, std::optional<std::uint64_t> max_paths) {
            ms::RunOptions options = run_options(paths, seed, threads);
            options.precision = precision;
            if (max_paths) options.max_paths = *max_paths;
            return interruptible<RunResult>([&](const ms::StopCheck& stop) {
                options.stop = stop;
                ms::Results results = ms::run(scenario, options);
                if (results.partial()) throw ms::Interrupted(results.interrupted_by);
                return RunResult{scenario, std::move(results)};
            });
        },
        py::arg("scenario"), py::arg("paths"), py::arg("seed"), py::arg("threads"), py::arg("precision"),
        py::arg("max_paths"));

    py::class_<CompareResult>(m, "CompareResult")
        .def_property_readonly("facts", [](const CompareResult& c) { return facts(c.comparison); })
        .def_property_readonly("scenarios", [](const CompareResult& c) { return c.comparison.scenarios; })
        .def_property_readonly("warnings", [](const CompareResult& c) { return c.comparison.warnings; })
        .def("delta", [](const CompareResult& c) { return columns(ms::delta_csv(c.comparison)); })
        .def("bands", [](const CompareResult& c, std::size_t k) { return columns(ms::bands_csv(c.comparison.bands.at(k), false)); })
        .def("summary_json", [](const CompareResult& c) { return ms::summary_json(c.comparison).dump(); })
        .def("scenario_summary_json",
             [](const CompareResult& c, std::size_t k) {
                 return ms::summary_json(c.scenarios.at(k), c.comparison.bands.at(k)).dump();
             })
        .def("what_moved", [](const CompareResult& c, std::size_t k, std::size_t top) {
            std::vector<py::dict> out;
            for (const ms::Moved& mv : ms::what_moved(c.comparison, k, top)) {
                py::dict d;
                d["series"] = mv.series;
                d["a_p50"] = mv.a_p50;
                d["b_p50"] = mv.b_p50;
                d["change"] = mv.change;
                d["change_pct"] = mv.change_pct;
                d["prob_b_gt_a"] = mv.prob_b_gt_a;
                out.push_back(std::move(d));
            }
            return out;
        });

    m.def(
        "compare",
        [](const std::vector<ms::Scenario>& scenarios, std::uint64_t paths, std::optional<std::uint64_t> seed,
           std::optional<int> threads) {
            ms::RunOptions options = run_options(paths, seed, threads);
            return interruptible<CompareResult>([&](const ms::StopCheck& stop) {
                options.stop = stop;
                return CompareResult{scenarios, ms::compare(scenarios, options)};
            });
        },
        py::arg("scenarios"), py::arg("paths"), py::arg("seed"), py::arg("threads"));

    py::class_<SweepResult>(m, "SweepResult")
        .def_property_readonly("facts", [](const SweepResult& s) { return facts(s.sweep); })
        .def_property_readonly("warnings", [](const SweepResult& s) { return s.sweep.warnings; })
        .def("frame", [](const SweepResult& s) { return columns(ms::sweep_csv(s.sweep)); })
        .def("summary_json", [](const SweepResult& s) { return ms::summary_json(s.sweep, s.axes, s.fixed).dump(); });

    m.def(
        "sweep",
        [](const ms::Scenario& scenario, const std::vector<std::string>& axes, const std::vector<std::string>& series,
           const std::vector<int>& years, std::uint64_t paths, std::optional<std::uint64_t> seed,
           std::optional<int> threads) {
            std::vector<ms::SweepAxis> grid;
            for (const std::string& text : axes) {
                auto axis = ms::parse_sweep_axis(text);
                if (!axis) throw ms::InputError("axis " + text + ": expected PATH=LO:HI:STEP, e.g. growth.rate=0.04:0.06:0.005");
                grid.push_back(std::move(*axis));
            }
            ms::RunOptions options = run_options(paths, seed, threads);
            return interruptible<SweepResult>([&](const ms::StopCheck& stop) {
                options.stop = stop;
                ms::Sweep s = ms::sweep(scenario, grid, options, series, years);
                return SweepResult{grid, scenario.source.sets, std::move(s)};
            });
        },
        py::arg("scenario"), py::arg("axes"), py::arg("series"), py::arg("years"), py::arg("paths"), py::arg("seed"),
        py::arg("threads"));

    m.def(
        "calibrate",
        [](const ms::Scenario& scenario, const std::string& target, const std::string& path, const std::string& statistic,
           std::optional<double> probability, std::optional<std::pair<double, double>> bracket, double tolerance,
           std::uint64_t paths, std::optional<std::uint64_t> seed, std::optional<int> threads) {
            const ms::CalibrationTarget goal = ms::parse_calibration_target(target);
            ms::CalibrateOptions how;
            how.path = path;
            how.statistic = ms::parse_statistic(statistic);
            how.probability = probability;
            how.bracket = bracket;
            how.tolerance = tolerance;
            ms::RunOptions options = run_options(paths, seed, threads);
            const ms::Calibration c = interruptible<ms::Calibration>([&](const ms::StopCheck& stop) {
                options.stop = stop;
                return ms::calibrate(scenario, goal, how, options);
            });
            return ms::calibration_json(c).dump();
        },
        py::arg("scenario"), py::arg("target"), py::arg("path"), py::arg("statistic"), py::arg("probability"),
        py::arg("bracket"), py::arg("tolerance"), py::arg("paths"), py::arg("seed"), py::arg("threads"));

    m.def(
        "sensitivity",
        [](const ms::Scenario& scenario, const std::string& series, int year, std::uint64_t paths,
           std::optional<std::uint64_t> seed, std::optional<int> threads) {
            ms::RunOptions options = run_options(paths, seed, threads);
            const ms::Sensitivity s = interruptible<ms::Sensitivity>([&](const ms::StopCheck& stop) {
                options.stop = stop;
                return ms::sensitivity(scenario, options, series, year);
            });
            return py::make_tuple(columns(ms::sensitivity_csv(s)), columns(ms::sensitivity_by_year_csv(s)),
                                  ms::summary_json(s).dump());
        },
        py::arg("scenario"), py::arg("series"), py::arg("year"), py::arg("paths"), py::arg("seed"), py::arg("threads"));

    m.def("thread_count", [](int threads) { return ms::thread_count(threads); }, py::arg("threads") = 0);
}
