"""Scenario.run against `marketsim run`: the same doubles, on any number of threads."""

import json
import subprocess
import sys

import numpy as np
import pytest

import marketsim
from conftest import SCENARIOS, assert_same_frame, read_csv, without_timing

SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.toml"))
@pytest.mark.parametrize("name", SHIPPED)
def test_bands_are_the_cli_bands(name, cli, tmp_path):
    cli("run", SCENARIOS / name, "--paths", 20000, "--seed", 11, "--out", tmp_path, "--quiet")
    result = marketsim.load(SCENARIOS / name).run(paths=20000, seed=11)
    assert_same_frame(result.bands, read_csv(tmp_path / "bands.csv"))


def test_summary_and_intervals_are_the_cli_files(cli, tmp_path):
    cli("run", SCENARIOS / "baseline.toml", "--paths", 30000, "--ci", "--out", tmp_path, "--quiet",
        "--threads", 2)
    result = marketsim.load(SCENARIOS / "baseline.toml").run(paths=30000, threads=2)
    assert_same_frame(result.bands_with_intervals(), read_csv(tmp_path / "bands.csv"))
    with open(tmp_path / "summary.json") as f:
        expected = json.load(f)
    assert without_timing(result.summary) == without_timing(expected)
    assert result.seed == 2033 and result.n_paths == 30000


def test_set_values_are_the_cli_set_values(cli, tmp_path):
    sets = {"growth.rate": 0.061, "region.europe.shift": -0.02, "event.global_slowdown.probability": 0.25}
    cli("run", SCENARIOS / "baseline.toml", "--paths", 20000, "--out", tmp_path, "--quiet",
        *[a for path, value in sets.items() for a in ("--set", f"{path}={value}")])
    loaded = marketsim.load(SCENARIOS / "baseline.toml", set=sets)
    what_if = marketsim.load(SCENARIOS / "baseline.toml").with_set(sets)
    for scenario in (loaded, what_if):
        assert scenario.sets == [f"{p}={v}" for p, v in sets.items()]
        assert scenario.inputs["growth.rate"] == 0.061
        assert_same_frame(scenario.run(paths=20000).bands, read_csv(tmp_path / "bands.csv"))


def test_thread_count_does_not_change_results():
    scenario = marketsim.load(SCENARIOS / "video_price_war.toml")
    one = scenario.run(paths=50000, threads=1)
    assert one.threads == 1
    for threads in (2, 3, None):
        other = scenario.run(paths=50000, threads=threads)
        assert_same_frame(other.bands, one.bands)
        assert other.summary["central_path"] == one.summary["central_path"]


def test_inputs_and_toml_round_trip(tmp_path):
    scenario = marketsim.load(SCENARIOS / "recession_2027.toml", set={"growth.annual_sd": 0.02})
    inputs = scenario.inputs
    assert inputs["growth.annual_sd"] == 0.02
    assert inputs["scenario.base_value"] == 35.2
    assert "event.recession.probability" in inputs
    written = tmp_path / "resolved.toml"
    written.write_text(scenario.to_toml())
    again = marketsim.load(written)
    assert again.inputs == inputs
    assert_same_frame(again.run(paths=5000).bands, scenario.run(paths=5000).bands)


def test_fan_targets_and_paths():
    result = marketsim.load(SCENARIOS / "baseline.toml").run(paths=10000)
    fan = result.fan("region=europe")
    assert fan.index.name == "year" and list(fan.index) == list(range(2022, 2034))
    bands = result.bands
    europe = bands[bands["series"] == "region=europe"]
    assert (fan["p50"].to_numpy() == europe["p50"].to_numpy()).all()
    with pytest.raises(ValueError, match="did you mean 'region=europe'"):
        result.fan("region=eurpe")

    targets = result.target_probabilities
    expected = result.summary["targets"]
    assert len(targets) == len(expected) > 0
    assert targets["probability"].tolist() == [t["probability_met"] for t in expected]
    assert targets["hits"].tolist() == [t["paths_met"] for t in expected]
    assert targets["series"].tolist() == [t["series"] for t in expected]

    paths = result.paths("total", n=2000)
    assert paths.shape == (2000, 12)
    assert (paths[:, 0] == 35.2).all()
    # the whole paths are the run's paths: their horizon median lies in the 95% interval the run
    # reports for its median (order statistics), and their mean is the band's mean
    horizon = result.paths("total", years=[2033])
    assert horizon.shape == (10000, 1)
    row = result.bands_with_intervals().query("series == 'total' and year == 2033").iloc[0]
    assert row["p50_lo"] <= np.median(horizon[:, 0]) <= row["p50_hi"]
    assert np.mean(horizon[:, 0]) == pytest.approx(row["mean"], rel=1e-12)
    both = result.paths(["total", "region=europe"], n=10)
    assert both.shape == (2, 10, 12) and (both[0] == paths[:10]).all()


def test_paths_refused_beyond_max_bytes():
    result = marketsim.load(SCENARIOS / "baseline.toml").run(paths=1000)
    with pytest.raises(ValueError, match="would need .* above the limit") as caught:
        result.paths("total", n=100_000_000)
    assert not isinstance(caught.value, marketsim.ScenarioError)
    with pytest.raises(ValueError, match="would need .* above the limit"):
        result.paths("total", n=1000, max_bytes=1000)


def test_import_needs_no_matplotlib():
    code = "import sys, marketsim; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
