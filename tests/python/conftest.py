"""Shared fixtures of the Python module's tests: the command-line program to compare with, the
source tree's scenarios, and CSV files read back exactly."""

import os
import pathlib
import subprocess

import pandas as pd
import pytest

SOURCE = pathlib.Path(os.environ.get("MARKETSIM_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SCENARIOS = SOURCE / "scenarios"


@pytest.fixture(scope="session")
def cli():
    """Runs the marketsim command (MARKETSIM_CLI) with arguments; returns the completed process."""
    binary = os.environ.get("MARKETSIM_CLI")
    if not binary:
        pytest.fail("MARKETSIM_CLI is not set: run these tests through ctest (label python)")

    def run(*args, check=True):
        done = subprocess.run([binary, *map(str, args)], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise AssertionError(f"marketsim {' '.join(map(str, args))} exited {done.returncode}: {done.stderr}")
        return done

    return run


@pytest.fixture(scope="session")
def scenarios():
    return SCENARIOS


def read_csv(path):
    """A CSV file the command wrote, every number read back to the double it printed. Every
    numeric column but `year` holds doubles, also when each of its values prints as an integer
    (a probability of exactly 0 or 1), which pandas would read as int64."""
    frame = pd.read_csv(path, float_precision="round_trip", keep_default_na=False)
    for column in frame.columns:
        if column != "year" and frame[column].dtype.kind == "i":
            frame[column] = frame[column].astype("float64")
    return frame


def assert_same_frame(actual, expected):
    """Same columns in the same order, same dtypes, same values: doubles bit for bit."""
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected)
    for column in expected.columns:
        a, e = actual[column], expected[column]
        assert a.dtype == e.dtype, f"{column}: {a.dtype} != {e.dtype}"
        if a.dtype.kind == "f":
            assert (a.to_numpy().view("u8") == e.to_numpy().view("u8")).all(), f"{column} differs"
        else:
            assert a.tolist() == e.tolist(), f"{column} differs"


# summary.json's entries that record how long a run took, which two runs never share
TIMING = {"elapsed_seconds", "throughput"}


def without_timing(value):
    """A summary without its timings."""
    if isinstance(value, dict):
        return {k: without_timing(v) for k, v in value.items() if k not in TIMING}
    if isinstance(value, list):
        return [without_timing(v) for v in value]
    return value
