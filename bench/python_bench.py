#!/usr/bin/env python3
"""How long a run takes from Python against the command, on the same scenario, paths and threads.

For each repetition (after one untimed warm-up of each) it times, alternating: the command
`marketsim run SCENARIO --paths N --threads T --quiet --out <scratch>` as a process (start, load,
sample, write bands.csv and summary.json), and in this interpreter `Scenario.run(paths=N,
threads=T)` followed by `Result.bands` (sample, then the frame). The scenario is loaded once for
Python (load() is timed on its own). It prints the medians and the ratio; both sides sample with
the same library, so the difference is process start, file writing and the frame.

Usage: PYTHONPATH=build/release/python python3 bench/python_bench.py build/release/marketsim
           [--scenario scenarios/baseline.toml] [--paths 100000] [--threads 2] [--repeat 7]
"""
import argparse
import pathlib
import statistics
import subprocess
import tempfile
import time

import marketsim


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("marketsim", type=pathlib.Path)
    parser.add_argument("--scenario", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml")
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=marketsim._core.thread_count(0))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    scenario = marketsim.load(args.scenario)
    load_seconds = time.perf_counter() - started

    cli_times, python_times, sampling = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        command = [str(args.marketsim), "run", str(args.scenario), "--paths", str(args.paths), "--threads",
                   str(args.threads), "--quiet", "--out", scratch]
        for repetition in range(args.repeat + 1):
            started = time.perf_counter()
            subprocess.run(command, check=True)
            cli = time.perf_counter() - started
            started = time.perf_counter()
            result = scenario.run(paths=args.paths, threads=args.threads)
            rows = len(result.bands)
            python = time.perf_counter() - started
            if repetition:  # the first of each is a warm-up
                cli_times.append(cli)
                python_times.append(python)
                sampling.append(result.elapsed_seconds)
    cli, python = statistics.median(cli_times), statistics.median(python_times)
    print(f"{args.scenario.name}: {args.paths} paths, {args.threads} threads, median of {args.repeat}")
    print(f"  marketsim run (process)      {cli:8.3f} s")
    print(f"  Scenario.run + .bands        {python:8.3f} s   ({rows} rows; load() once: {load_seconds:.3f} s)")
    print(f"  of which sampling            {statistics.median(sampling):8.3f} s")
    print(f"  Python / command             {python / cli:8.2f}")


if __name__ == "__main__":
    main()
