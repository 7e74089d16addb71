"""marketsim: Monte Carlo scenarios for market strategists, in Python.

The same engine as the ``marketsim`` command (its C++ library, no second implementation), with
results as pandas frames and fan charts with matplotlib::

    import marketsim

    base = marketsim.load("scenarios/baseline.toml")
    fast = base.with_set({"growth.rate": 0.06})
    result = base.run(paths=100_000)
    result.bands                  # bands.csv as a DataFrame
    result.fan("total")           # one series, indexed by year
    cmp = marketsim.compare([base, fast])
    cmp.delta                     # delta.csv as a DataFrame
    marketsim.plot_fan(result)    # matplotlib, imported only here

Frames hold the very doubles the command writes to its CSV files for the same scenario, seed and
paths, on any number of threads. Sampling releases the GIL; Ctrl-C (KeyboardInterrupt) stops a
run within a fraction of a second. A mistake in a scenario raises :class:`ScenarioError` with the
command's message and the place it names.
"""

import json as _json
import math as _math
import numbers as _numbers
import os as _os
import re as _re

import numpy as _np
import pandas as _pd

from . import _core
from ._plot import plot_compare, plot_fan

__version__ = _core.__version__

__all__ = [
    "Calibration",
    "Comparison",
    "Result",
    "Scenario",
    "ScenarioError",
    "calibrate",
    "compare",
    "load",
    "plot_compare",
    "plot_fan",
    "sensitivity",
    "sweep",
]

DEFAULT_MAX_BYTES = 1 << 30  # Result.paths refuses more than this (1 GiB) unless asked


# ---- errors -------------------------------------------------------------------------------------


class ScenarioError(ValueError):
    """A mistake in a scenario or in a value given for it, with the command line's message.

    Attributes:
        message: the message ``marketsim`` prints, e.g.
            ``baseline.toml:12:1: unknown key 'anual_sd' in [growth]; did you mean 'annual_sd'?``
        file: the file it names (as given), or None (a value given in Python, like ``--set``)
        line, column: 1-based position in that file, or None
        key: the dotted path of the value at fault (e.g. ``growth.anual_sd``), or None
    """

    def __init__(self, message, file=None, line=None, column=None, key=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.key = key


_AT_FILE = _re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<rest>.*)$", _re.S)
_AT_SET = _re.compile(r"^command line: --set (?P<set>[^=]*)=.*?: (?P<rest>.*)$", _re.S)
_READING = _re.compile(r"scenario file '(?P<file>[^']*)'")
_UNKNOWN_KEY = _re.compile(r"^unknown key '(?P<key>[^']*)' in \[(?P<table>[^\]]*)\]")
_UNKNOWN_PATH = _re.compile(r"^unknown path '(?P<key>[^']*)'")
_LEADING_PATH = _re.compile(r"^(?P<key>[A-Za-z0-9_]+(?:[.=][A-Za-z0-9_]+|\[\d+\])+|[A-Za-z0-9_]+)(?: = |: )")


def _key_of(rest):
    m = _UNKNOWN_KEY.match(rest)
    if m:
        table = m.group("table").strip("[]")
        return f"{table}.{m.group('key')}" if table else m.group("key")
    m = _UNKNOWN_PATH.match(rest) or _LEADING_PATH.match(rest)
    return m.group("key") if m else None


def _scenario_error(error):
    """The library's InputError as a ScenarioError when it names a place, else a ValueError."""
    message = str(error)
    m = _AT_FILE.match(message)
    if m:
        return ScenarioError(message, m.group("file"), int(m.group("line")), int(m.group("column")),
                             _key_of(m.group("rest")))
    m = _AT_SET.match(message)
    if m:
        return ScenarioError(message, None, None, None, _key_of(m.group("rest")) or m.group("set").strip())
    m = _READING.search(message)
    if m:
        return ScenarioError(message, m.group("file"))
    return ValueError(message)


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except _core.InputError as e:
        raise _scenario_error(e) from None


# ---- values given in Python as --set text -------------------------------------------------------


def _toml_value(value):
    if isinstance(value, str):
        return value  # a TOML value as on the command line: 0.05, "pert", { 2025 = 0.01 }
    if isinstance(value, (bool, _np.bool_)):
        return "true" if value else "false"
    if isinstance(value, _numbers.Integral):
        return str(int(value))
    if isinstance(value, _numbers.Real):
        x = float(value)
        if not _math.isfinite(x):
            return {True: "inf", False: "-inf"}[x > 0] if _math.isinf(x) else "nan"
        return repr(x)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot give {type(value).__name__} {value!r} as a scenario value")


def _set_texts(values):
    """{path: value} (or an iterable of "PATH=VALUE") as the command line's --set arguments."""
    if values is None:
        return []
    if isinstance(values, str):
        raise TypeError("give a dict {path: value} or a list of 'PATH=VALUE' strings, not one string")
    if isinstance(values, dict):
        return [f"{path}={_toml_value(value)}" for path, value in values.items()]
    return [str(v) for v in values]


def _name_text(name):
    return [] if name is None else ["scenario.name=" + _json.dumps(str(name))]


# ---- scenarios ----------------------------------------------------------------------------------


def load(path, set=None, name=None):  # noqa: A002 - the command line's name for it
    """Loads, resolves (``extends``, ``[set]``) and validates a scenario file.

    Args:
        path: the scenario's TOML file (``extends`` is relative to its folder).
        set: values to set after the file's own, as ``--set`` does on the command line: a dict
            ``{"growth.rate": 0.06, "region.europe.shift": -0.01}`` (a str value is TOML text,
            e.g. ``'"pert"'``), or a list of ``"PATH=VALUE"`` strings.
        name: a new name for the scenario (``scenario.name``), set last.

    Returns:
        Scenario: the resolved scenario.

    Raises:
        ScenarioError: the file cannot be read or breaks a rule; the message, file, line, column
            and key are the command line's.
    """
    return Scenario(_call(_core.load, _os.fspath(path), _set_texts(set) + _name_text(name)))


class Scenario:
    """A resolved, validated scenario: what :func:`load` returns. Immutable; :meth:`with_set`
    makes a changed copy."""

    def __init__(self, core):
        self._core = core

    name = property(lambda self: self._core.name, doc="The scenario's name ([scenario] name).")
    unit = property(lambda self: self._core.unit, doc="The unit of its values, e.g. 'USD bn'.")
    base_year = property(lambda self: self._core.base_year, doc="The first year (the base value's).")
    horizon = property(lambda self: self._core.horizon, doc="The last year simulated.")
    seed = property(lambda self: self._core.seed, doc="The scenario's own seed (run's default).")
    file = property(lambda self: self._core.file, doc="The scenario file as given to load().")
    sets = property(lambda self: list(self._core.sets), doc="The --set arguments applied after the file, in order.")
    warnings = property(lambda self: list(self._core.warnings), doc="The scenario's warnings.")
    series = property(lambda self: list(self._core.series), doc="The series a run reports, in output order.")

    @property
    def inputs(self):
        """Every numeric value ``set`` can change, as {path: value} in file order (e.g.
        ``growth.rate``, ``region.europe.share``, ``event.recession.probability``)."""
        return dict(self._core.inputs())

    def with_set(self, values, name=None):
        """A what-if in memory: this scenario resolved again with ``values`` set after its own
        (a dict {path: value} or a list of "PATH=VALUE", as :func:`load`'s ``set``).

        Args:
            values: the values to set.
            name: a name for the what-if (``scenario.name``): :func:`compare` needs scenarios of
                different names.

        Raises:
            ScenarioError: an unknown path or a value the scenario rejects.
        """
        return Scenario(_call(self._core.with_sets, _set_texts(values) + _name_text(name)))

    def to_toml(self):
        """The resolved scenario as a TOML file's text that loads back to the same scenario."""
        return self._core.to_toml()

    def to_dict(self):
        """The resolved scenario as a dict (summary.json's "scenario")."""
        return _json.loads(self._core.to_json())

    def run(self, paths=100_000, seed=None, threads=None, precision=None, max_paths=None):
        """Samples the scenario and summarises it, as ``marketsim run`` does.

        Args:
            paths: growth paths to sample (ignored with ``precision``).
            seed: 0 .. 2**63-1; None: the scenario's own.
            threads: worker threads; None: every core. Results do not depend on it.
            precision: the stopping rule instead of ``paths``: add blocks of paths until every
                band's 95% interval half-width is below precision x its value (``--precision``).
            max_paths: with ``precision``, at most this many paths (default 1e8).

        Returns:
            Result

        Raises:
            KeyboardInterrupt: interrupted (Ctrl-C); nothing is returned.
            ValueError: a bad option (e.g. paths < 1), or a run that needs more memory than the
                machine has available.
        """
        core = _call(_core.run, self._core, int(paths), _seed(seed), _threads(threads),
                     None if precision is None else float(precision),
                     None if max_paths is None else int(max_paths))
        return Result(core, self)

    def __repr__(self):
        sets = f", set={self.sets}" if self.sets else ""
        return f"<marketsim.Scenario {self.name!r} from {self.file!r}{sets}>"


def _seed(seed):
    return None if seed is None else int(seed)


def _threads(threads):
    return None if threads is None else int(threads)


def _frame(columns):
    return _pd.DataFrame(dict(columns))


# ---- results ------------------------------------------------------------------------------------


class Result:
    """The result of :meth:`Scenario.run`.

    Attributes:
        scenario: the Scenario run.
        seed, n_paths, threads, elapsed_seconds, simd: how it ran (n_paths: the paths sampled).
        quantiles: the quantile levels of the bands (e.g. 0.05 for column ``p05``).
        warnings: the scenario's warnings, then the run's.
    """

    def __init__(self, core, scenario):
        self._core = core
        self.scenario = scenario
        facts = core.facts
        self.seed = facts["seed"]
        self.n_paths = facts["paths"]
        self.threads = facts["threads"]
        self.simd = facts["simd"]
        self.elapsed_seconds = facts["elapsed_seconds"]
        self.quantiles = list(core.quantiles)
        self.warnings = list(core.warnings)
        self._bands = None
        self._summary = None

    @property
    def bands(self):
        """bands.csv as a DataFrame: ``series``, ``year``, ``mean``, ``sd``, one column per
        quantile (``p05``, ``p10``, ...); one row per series and year, series in output order.
        The same doubles as the command's bands.csv for the same seed and paths."""
        if self._bands is None:
            self._bands = _frame(self._core.bands(False))
        return self._bands.copy()

    def bands_with_intervals(self):
        """bands.csv with ``--ci``: after each statistic its 95% Monte Carlo interval
        (``<column>_lo``, ``<column>_hi``)."""
        return _frame(self._core.bands(True))

    @property
    def summary(self):
        """summary.json's content as a dict (version, hashes, the resolved scenario, the run's
        facts, CAGR distributions, the central path, target probabilities, errors, warnings)."""
        if self._summary is None:
            self._summary = _json.loads(self._core.summary_json())
        return _json.loads(_json.dumps(self._summary))

    @property
    def target_probabilities(self):
        """The scenario's targets as a DataFrame: ``series``, ``year``, ``value``,
        ``probability`` (the share of paths at or above the value), ``se`` (its binomial
        standard error) and ``hits`` (paths at or above); empty without targets."""
        columns = self._core.targets()
        return _pd.DataFrame({
            "series": _pd.Series(columns["series"], dtype=object),
            "year": _pd.Series(columns["year"], dtype="int64"),
            "value": _pd.Series(columns["value"], dtype="float64"),
            "probability": _pd.Series(columns["probability"], dtype="float64"),
            "se": _pd.Series(columns["se"], dtype="float64"),
            "hits": _pd.Series(columns["hits"], dtype="int64"),
        })

    @property
    def series(self):
        """The series reported, in output order (``total``, ``dimension=member``, ...)."""
        return list(self._core.series)

    def fan(self, series="total"):
        """One series' bands as a DataFrame indexed by year: ``mean``, ``sd``, ``p05`` ...

        Raises:
            ValueError: no such series (naming the closest one).
        """
        bands = self.bands
        if series not in self.series:
            _call(self._core.central_path, series)  # raises, naming the closest series
        fan = bands[bands["series"] == series].drop(columns="series").set_index("year")
        fan.attrs["series"] = series
        fan.attrs["unit"] = self.scenario.unit
        return fan

    def central_path(self, series="total"):
        """The central path of a series (every draw at zero, events of probability 1 applied)
        as a pandas Series indexed by year."""
        values = _call(self._core.central_path, series)
        years = range(self._core.base_year, self._core.base_year + len(values))
        return _pd.Series(values, index=_pd.Index(years, name="year"), name=series)

    def paths(self, series="total", years=None, n=None, max_bytes=DEFAULT_MAX_BYTES):
        """Whole sampled paths: the first ``n`` paths this run sampled (same seed), opt-in.

        Args:
            series: a series name, or a list of them.
            years: the years to keep (an iterable of calendar years); None: every year from
                the base year to the horizon.
            n: how many paths; None: all of the run's.
            max_bytes: refuse (ValueError) when the paths would need more memory than this
                (default 1 GiB).

        Returns:
            numpy.ndarray: shape (n, len(years)) for one series, (len(series), n, len(years))
            for a list; values in the scenario's unit.
        """
        names = [series] if isinstance(series, str) else list(series)
        count = self.n_paths if n is None else int(n)
        values = _call(self._core.paths, names, count, float(max_bytes))
        all_years = list(range(self._core.base_year, self._core.base_year + self._core.years + 1))
        if years is not None:
            wanted = [int(y) for y in years]
            for y in wanted:
                if y not in all_years:
                    raise ValueError(f"year {y} is outside {all_years[0]}..{all_years[-1]}")
            values = values[:, :, [all_years.index(y) for y in wanted]]
        return values[0] if isinstance(series, str) else values

    def __repr__(self):
        return (f"<marketsim.Result {self.scenario.name!r}: {self.n_paths} paths, seed {self.seed}, "
                f"{len(self.series)} series, {self._core.base_year}..{self._core.base_year + self._core.years}>")


class Comparison:
    """The result of :func:`compare`.

    Attributes:
        scenarios: the scenarios' names, in the order given.
        seed, n_paths, threads, elapsed_seconds: how it ran (n_paths: per scenario).
        warnings: the comparison's warnings.
    """

    def __init__(self, core, scenarios):
        self._core = core
        self._scenarios = scenarios
        facts = core.facts
        self.seed = facts["seed"]
        self.n_paths = facts["paths"]
        self.threads = facts["threads"]
        self.elapsed_seconds = facts["elapsed_seconds"]
        self.scenarios = list(core.scenarios)
        self.warnings = list(core.warnings)

    @property
    def delta(self):
        """delta.csv as a DataFrame: ``scenario``, ``series``, ``year``, ``mean``, ``sd``, the
        quantile columns and ``prob_b_gt_a``: each scenario after the first minus the first,
        path by path on common random numbers."""
        return _frame(self._core.delta())

    @property
    def bands(self):
        """Each scenario's own bands.csv as a DataFrame, {name: frame}, in the order given."""
        return {name: _frame(self._core.bands(k)) for k, name in enumerate(self.scenarios)}

    @property
    def summary(self):
        """compare's summary.json as a dict."""
        return _json.loads(self._core.summary_json())

    def what_moved(self, scenario=1, top=10):
        """The series whose horizon median moved most from the first scenario's in scenario
        number ``scenario`` (1 .. len - 1, or its name): ``series``, ``a_p50``, ``b_p50``,
        ``change``, ``change_pct``, ``prob_b_gt_a``; largest absolute change first."""
        k = self.scenarios.index(scenario) if isinstance(scenario, str) else int(scenario)
        if not 1 <= k < len(self.scenarios):
            raise ValueError(f"scenario {scenario!r}: give 1..{len(self.scenarios) - 1} or a name after the first")
        rows = self._core.what_moved(k, int(top))
        return _pd.DataFrame(rows, columns=["series", "a_p50", "b_p50", "change", "change_pct", "prob_b_gt_a"])

    def __repr__(self):
        return f"<marketsim.Comparison {' vs '.join(self.scenarios)}: {self.n_paths} paths, seed {self.seed}>"


def _core_scenario(scenario):
    if isinstance(scenario, Scenario):
        return scenario._core
    if isinstance(scenario, (str, _os.PathLike)):
        return load(scenario)._core
    raise TypeError(f"expected a marketsim.Scenario or a scenario file, got {type(scenario).__name__}")


def compare(scenarios, paths=100_000, seed=None, threads=None):
    """Runs two or more scenarios on common random numbers, as ``marketsim compare`` does.

    Args:
        scenarios: Scenario objects (or scenario files); the first is the one the others are
            compared with. They must share dimensions, base year and horizon.
        paths: growth paths per scenario.
        seed: None: the first scenario's seed.
        threads: None: every core.

    Returns:
        Comparison: ``.delta`` (delta.csv), ``.bands`` (each scenario's bands.csv),
        ``.summary``, ``.what_moved()``.
    """
    cores = [_core_scenario(s) for s in scenarios]
    if len(cores) < 2:
        raise ValueError("compare needs at least two scenarios")
    core = _call(_core.compare, cores, int(paths), _seed(seed), _threads(threads))
    return Comparison(core, scenarios)


def _axis_text(path, spec):
    if isinstance(spec, str):
        return f"{path}={spec}"
    try:
        lo, hi, step = spec
    except (TypeError, ValueError):
        raise TypeError(f"axis {path}: give (lo, hi, step) or 'LO:HI:STEP', got {spec!r}") from None
    return f"{path}={_toml_value(float(lo))}:{_toml_value(float(hi))}:{_toml_value(float(step))}"


def sweep(scenario, axes, series="total", years=None, paths=100_000, seed=None, threads=None):
    """Runs a scenario over a grid of values on common random numbers, as ``marketsim sweep``.

    Args:
        scenario: a Scenario (its own set values stay fixed) or a scenario file.
        axes: {path: (lo, hi, step)} (or {path: "LO:HI:STEP"}); the grid is every combination,
            the first axis varying slowest; hi is included when reached within half a step.
        series: the series summarised: a name or a list of names.
        years: the years summarised: a year or a list of years; None: the horizon.
        paths, seed, threads: as for :meth:`Scenario.run`, per point.

    Returns:
        pandas.DataFrame: sweep.csv: one column per axis, ``series``, ``year``, ``mean``,
        ``p05``, ``p50``, ``p95`` and ``p_target<i>`` per target, one row per point, series and
        year; ``.attrs["summary"]`` holds summary.json.
    """
    if not isinstance(axes, dict) or not axes:
        raise ValueError("give the axes as {path: (lo, hi, step)}, at least one")
    texts = [_axis_text(path, spec) for path, spec in axes.items()]
    series = [str(series)] if isinstance(series, str) else [str(x) for x in series]
    years = [] if years is None else [int(years)] if isinstance(years, (int, float)) else [int(y) for y in years]
    core = _call(_core.sweep, _core_scenario(scenario), texts, series, years, int(paths), _seed(seed),
                 _threads(threads))
    frame = _frame(core.frame())
    frame.attrs["summary"] = _json.loads(core.summary_json())
    return frame


class Calibration:
    """The result of :func:`calibrate`.

    Attributes:
        value: the solved value of ``path``.
        half_width: its 95% Monte Carlo half-width (through the statistic's slope).
        path: the --set path solved for.
        statistic: the statistic at the solution; statistic_half_width its 95% half-width.
        evaluations: runs of the scenario.
        summary: calibration.json's content.
        scenario: the calibrated scenario (the input with ``path`` set to ``value``).
    """

    def __init__(self, summary, scenario):
        self.summary = summary
        self.path = summary["path"]
        self.value = summary["value"]
        self.half_width = summary["value_95_half_width"]
        self.statistic = summary["statistic_at_value"]
        self.statistic_half_width = summary["statistic_95_half_width"]
        self.evaluations = summary["evaluations"]
        self.scenario = scenario.with_set({self.path: self.value})

    def __iter__(self):
        """``value, half_width = marketsim.calibrate(...)``"""
        return iter((self.value, self.half_width))

    def __repr__(self):
        return f"<marketsim.Calibration {self.path} = {self.value!r} +/- {self.half_width!r}>"


def calibrate(scenario, target, path="growth.rate", statistic="p50", probability=None, bracket=None,
              tolerance=1e-6, paths=100_000, seed=None, threads=None):
    """Solves for the value of a --set path at which a statistic meets a target, as
    ``marketsim calibrate``.

    Args:
        scenario: a Scenario or a scenario file.
        target: "SERIES:YEAR=VALUE" (e.g. "total:2030=53.8") or (series, year, value); with
            ``probability``, "SERIES:YEAR>=VALUE", a level to reach.
        path: the --set path solved for.
        statistic: "mean" or a quantile "pNN" ("p50" the median, "p20", "p2.5").
        probability: the share of paths, in (0, 1), on which a "SERIES:YEAR>=VALUE" target is to
            be met (an exact count over the paths); then ``statistic`` is not used.
        bracket: (lo, hi) to search, inside the input's valid range; None: the path's value
            v +/- max(0.05, |v|), kept inside it. A member's share moves with its row.
        tolerance: on the solved value.
        paths, seed, threads: per evaluation, as for :meth:`Scenario.run`.

    Returns:
        Calibration: ``.value`` and ``.half_width`` (also unpackable as a pair), the statistic
        there, ``.summary`` (calibration.json) and the calibrated ``.scenario``.
    """
    if not isinstance(target, str):
        series, year, value = target
        target = f"{series}:{int(year)}{'>=' if probability is not None else '='}{_toml_value(float(value))}"
    if isinstance(scenario, (str, _os.PathLike)):
        scenario = load(scenario)
    if bracket is not None:
        bracket = (float(bracket[0]), float(bracket[1]))
    if probability is not None:
        probability = float(probability)
    summary = _call(_core.calibrate, _core_scenario(scenario), target, str(path), str(statistic), probability,
                    bracket, float(tolerance), int(paths), _seed(seed), _threads(threads))
    return Calibration(_json.loads(summary), scenario)


def sensitivity(scenario, series="total", year=None, paths=10_000, seed=None, threads=None):
    """Which uncertain inputs drive the spread: grouped Sobol indices and the tornado, as
    ``marketsim sensitivity``.

    Args:
        scenario: a Scenario or a scenario file.
        series: the output series.
        year: the year the table is for; None: the horizon.
        paths: paths per sample; seed, threads as for :meth:`Scenario.run`.

    Returns:
        pandas.DataFrame: sensitivity.csv (``input``, ``partition``, ``first_order`` and its
        interval, ``total`` and its interval, ``p50_low``, ``p50_high``, ``p50``), top input
        first; ``.attrs["by_year"]`` holds sensitivity_by_year.csv as a frame and
        ``.attrs["summary"]`` summary.json.
    """
    table, by_year, summary = _call(_core.sensitivity, _core_scenario(scenario), str(series),
                                    0 if year is None else int(year), int(paths), _seed(seed), _threads(threads))
    frame = _frame(table)
    frame.attrs["by_year"] = _frame(by_year)
    frame.attrs["summary"] = _json.loads(summary)
    return frame
