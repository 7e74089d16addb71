"""compare, sweep, calibrate and sensitivity against the command's files."""

import json

import pytest

import marketsim
from conftest import SCENARIOS, assert_same_frame, read_csv, without_timing


def test_compare_delta_is_delta_csv(cli, tmp_path):
    files = [SCENARIOS / "baseline.toml", SCENARIOS / "recession_2027.toml", SCENARIOS / "voice_sunset.toml"]
    cli("compare", *files, "--paths", 20000, "--seed", 5, "--out", tmp_path, "--quiet")
    cmp = marketsim.compare([marketsim.load(f) for f in files], paths=20000, seed=5)
    assert cmp.scenarios == ["baseline", "recession_2027", "voice_sunset"]
    assert_same_frame(cmp.delta, read_csv(tmp_path / "delta.csv"))
    for name, bands in cmp.bands.items():
        assert_same_frame(bands, read_csv(tmp_path / name / "bands.csv"))
    with open(tmp_path / "summary.json") as f:
        expected = json.load(f)
    assert without_timing(cmp.summary) == without_timing(expected)
    moved = cmp.what_moved("recession_2027", top=3)
    assert len(moved) == 3 and list(moved.columns)[0] == "series"
    assert moved["change"].abs().is_monotonic_decreasing


def test_compare_of_a_what_if_in_memory(cli, tmp_path):
    base = marketsim.load(SCENARIOS / "baseline.toml")
    with pytest.raises(ValueError, match="name"):  # two scenarios of one name, as on the command line
        marketsim.compare([base, base.with_set({"growth.rate": 0.06})], paths=10000)
    fast = base.with_set({"growth.rate": 0.06}, name="fast")
    assert fast.name == "fast" and fast.sets == ["growth.rate=0.06", 'scenario.name="fast"']
    (tmp_path / "fast.toml").write_text(fast.to_toml())
    cli("compare", SCENARIOS / "baseline.toml", tmp_path / "fast.toml", "--paths", 10000, "--out", tmp_path / "out",
        "--quiet")
    cmp = marketsim.compare([base, fast], paths=10000)
    assert_same_frame(cmp.delta, read_csv(tmp_path / "out" / "delta.csv"))
    assert (cmp.delta.query("series == 'total' and year > 2022")["mean"] > 0).all()


def test_sweep_is_sweep_csv(cli, tmp_path):
    cli("sweep", SCENARIOS / "baseline.toml", "--set", "growth.rate=0.04:0.06:0.01", "--set",
        "event.global_slowdown.probability=0:0.2:0.1", "--set", "growth.annual_sd=0.02", "--series", "region=europe",
        "--paths", 5000, "--out", tmp_path, "--quiet")
    scenario = marketsim.load(SCENARIOS / "baseline.toml", set={"growth.annual_sd": 0.02})
    frame = marketsim.sweep(scenario, {"growth.rate": (0.04, 0.06, 0.01), "event.global_slowdown.probability": "0:0.2:0.1"},
                            series="region=europe", paths=5000)
    assert_same_frame(frame, read_csv(tmp_path / "sweep.csv"))
    assert len(frame) == 9
    with open(tmp_path / "summary.json") as f:
        expected = json.load(f)
    assert frame.attrs["summary"]["axes"] == expected["axes"]


def test_calibrate_is_calibration_json(cli, tmp_path):
    cli("calibrate", SCENARIOS / "baseline.toml", "--target", "total:2030=53.8", "--paths", 20000, "--out", tmp_path,
        "--quiet")
    with open(tmp_path / "calibration.json") as f:
        expected = json.load(f)
    c = marketsim.calibrate(SCENARIOS / "baseline.toml", ("total", 2030, 53.8), paths=20000)
    value, half_width = c
    assert value == expected["value"] and half_width == expected["value_95_half_width"] > 0
    assert c.path == "growth.rate" and c.evaluations == expected["evaluations"]
    assert c.scenario.inputs["growth.rate"] == value


def test_sweep_over_years_and_series_is_sweep_csv(cli, tmp_path):
    cli("sweep", SCENARIOS / "baseline.toml", "--set", "growth.rate=0.04:0.06:0.01", "--series", "total", "--series",
        "region=asia_pacific", "--year", 2027, "--year", 2033, "--paths", 3000, "--out", tmp_path, "--quiet")
    frame = marketsim.sweep(SCENARIOS / "baseline.toml", {"growth.rate": (0.04, 0.06, 0.01)},
                            series=["total", "region=asia_pacific"], years=[2027, 2033], paths=3000)
    assert_same_frame(frame, read_csv(tmp_path / "sweep.csv"))
    assert len(frame) == 3 * 2 * 2  # points x series x years


def test_calibrate_to_a_probability_is_calibration_json(cli, tmp_path):
    cli("calibrate", SCENARIOS / "baseline.toml", "--target", "total:2030>=53.8", "--probability", 0.8, "--paths", 5000,
        "--out", tmp_path, "--quiet")
    with open(tmp_path / "calibration.json") as f:
        expected = json.load(f)
    c = marketsim.calibrate(SCENARIOS / "baseline.toml", ("total", 2030, 53.8), probability=0.8, paths=5000)
    assert c.value == expected["value"] and c.half_width == expected["value_95_half_width"] > 0
    with pytest.raises(ValueError, match="probability 1.5: the share of paths must be above 0 and below 1"):
        marketsim.calibrate(SCENARIOS / "baseline.toml", "total:2030>=53.8", probability=1.5, paths=1000)


def test_sensitivity_is_sensitivity_csv(cli, tmp_path):
    cli("sensitivity", SCENARIOS / "recession_2027.toml", "--year", 2030, "--paths", 2000, "--out", tmp_path, "--quiet")
    frame = marketsim.sensitivity(marketsim.load(SCENARIOS / "recession_2027.toml"), year=2030, paths=2000)
    assert_same_frame(frame, read_csv(tmp_path / "sensitivity.csv"))
    assert_same_frame(frame.attrs["by_year"], read_csv(tmp_path / "sensitivity_by_year.csv"))
