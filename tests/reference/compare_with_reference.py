#!/usr/bin/env python3
"""Compares marketsim's bands with the independent reference model (reference_model.py).

Usage: compare_with_reference.py SCENARIO MARKETSIM_BINARY WORKDIR [--paths N] [--seed S]

1. `marketsim validate SCENARIO` gives the resolved scenario (TOML, comments included).
2. `marketsim run SCENARIO --paths N --ci --quiet --out WORKDIR/out` gives bands.csv.
3. The reference simulates N paths with numpy's generator (a fixed seed, independent draws).
4. Checks bands.csv's layout (columns, series order, year order), that the base year reports the
   exact base values (relative 1e-12), and that every statistic of every series in every later
   year agrees within 5 combined standard errors:
     mean      sqrt(se_ms^2 + se_ref^2), se = sd / sqrt(n)
     sd        sqrt(se_ms^2 + se_ref^2), se(sd) = sqrt((m4 - s^4) / n) / (2 s), m4 from the
               reference's sample (the same fourth moment for both sides)
     quantile  sqrt(2) * se_q with se_q = (hi - lo + 2 a |value|) / (2 * 1.96) from marketsim's
               --ci columns (a = output.relative_accuracy: lo and hi are sketch estimates, each
               within a relative a, and at these path counts the interval spans only a bucket
               or two), plus a * |value| (the bound of marketsim's quantile summary)
   As a guard against vacuous tolerances, marketsim's quantile intervals must also be within a
   factor 2 (give or take 2 a |value|) of the reference's own order-statistic intervals, and its
   mean interval must be mean -/+ 1.96 sd / sqrt(n).
Exit status: 0 all agree, 1 some disagree (each printed), 77 the scenario uses a feature the
reference does not implement (CTest SKIP_RETURN_CODE), 2 usage or tool errors.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_model as rm  # noqa: E402

Z = 1.96
K_SIGMA = 5.0
REFERENCE_SEED = 20240917


def run(cmd: list[str]) -> str:
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}{p.stderr}")
        sys.exit(2)
    return p.stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("marketsim")
    ap.add_argument("workdir")
    ap.add_argument("--paths", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=REFERENCE_SEED, help="numpy seed of the reference")
    args = ap.parse_args()
    n = args.paths
    t_start = time.time()

    v = subprocess.run([args.marketsim, "validate", args.scenario], capture_output=True, text=True)
    if v.returncode != 0 and "long_run" in v.stderr and "not supported" in v.stderr:
        print(f"SKIP {args.scenario}: marketsim does not support it: {v.stderr.strip()}")
        return 77
    if v.returncode != 0:
        sys.stderr.write(f"marketsim validate failed ({v.returncode}):\n{v.stdout}{v.stderr}")
        return 2
    resolved = v.stdout
    os.makedirs(args.workdir, exist_ok=True)
    with open(os.path.join(args.workdir, "resolved.toml"), "w", encoding="utf-8") as f:
        f.write(resolved)
    try:
        model = rm.build_model(rm.load_resolved(resolved))
    except rm.Unsupported as e:
        print(f"SKIP {args.scenario}: {e}")
        return 77

    out_dir = os.path.join(args.workdir, "out")
    os.makedirs(out_dir, exist_ok=True)
    for stale in ("bands.csv", "summary.json"):
        if os.path.exists(os.path.join(out_dir, stale)):
            os.remove(os.path.join(out_dir, stale))
    t0 = time.time()
    run([args.marketsim, "run", args.scenario, "--paths", str(n), "--ci", "--quiet", "--out", out_dir])
    t_ms = time.time() - t0

    t0 = time.time()
    values = rm.simulate(model, n, args.seed)
    ref = rm.statistics(model, values)
    del values
    t_ref = time.time() - t0

    problems: list[str] = []

    # Layout of bands.csv.
    with open(os.path.join(out_dir, "bands.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    stat_cols = ["mean", "sd"] + [rm.quantile_column(q) for q in model.quantiles]
    expected_header = ["series", "year"]
    for c in stat_cols:
        expected_header += [c, c + "_lo", c + "_hi"]
    if header != expected_header:
        problems.append(f"layout: bands.csv header\n    got      {header}\n    expected {expected_header}")
    expected_keys = [(s, y) for s in model.series_names for y in model.years]
    got_keys = [(r[0], int(r[1])) for r in body]
    if got_keys != expected_keys:
        for i, (g, e) in enumerate(zip(got_keys, expected_keys)):
            if g != e:
                problems.append(f"layout: row {i + 2} is {g}, expected {e}")
                break
        if len(got_keys) != len(expected_keys):
            problems.append(f"layout: {len(got_keys)} rows, expected {len(expected_keys)}")
    if problems:
        print("\n".join(problems))
        print(f"FAIL {args.scenario}: bands.csv layout")
        return 1
    col = {name: i for i, name in enumerate(header)}
    ms = np.array([[float(x) for x in r[2:]] for r in body]).reshape(
        len(model.series_names), len(model.years), len(header) - 2)

    def ms_stat(name: str) -> np.ndarray:
        return ms[:, :, col[name] - 2]

    # Base year: exact base values, no spread.
    exact = rm._series_values(model, model.base @ model.aggregation)
    for s, name in enumerate(model.series_names):
        for c in stat_cols:
            for suffix in ("", "_lo", "_hi"):
                v = ms_stat(c + suffix)[s, 0]
                want = 0.0 if c == "sd" else exact[s]
                if abs(v - want) > 1e-12 * abs(exact[s]):
                    problems.append(f"base year: {name} {model.base_year} {c + suffix} = {v!r}, "
                                    f"exact {want!r}")

    # Statistics after the base year.
    failures = []
    comparisons = 0
    worst = (0.0, "")
    z_by_stat: dict[str, list[float]] = {}   # signed differences in combined standard errors

    def compare(s: int, y: int, stat: str, a: float, b: float, tol: float) -> None:
        nonlocal comparisons, worst
        comparisons += 1
        err = abs(a - b)
        ratio = err / tol if tol > 0 else (0.0 if err == 0 else math.inf)
        where = f"{model.series_names[s]} {model.years[y]} {stat}"
        kind = stat if stat in ("mean", "sd") else "quantiles"
        z_by_stat.setdefault(kind, []).append((a - b) / tol * K_SIGMA if tol > 0 else 0.0)
        if ratio > worst[0]:
            worst = (ratio, where)
        if not ratio <= 1.0:
            failures.append((model.series_names[s], model.years[y], stat, a, b, err, tol))

    rel_acc = model.relative_accuracy
    for s in range(len(model.series_names)):
        for y in range(1, len(model.years)):
            # mean
            m_ms, m_ref = ms_stat("mean")[s, y], ref.mean[s, y]
            sd_ms, sd_ref = ms_stat("sd")[s, y], ref.sd[s, y]
            se_ms, se_ref = sd_ms / math.sqrt(n), sd_ref / math.sqrt(n)
            compare(s, y, "mean", m_ms, m_ref, K_SIGMA * math.hypot(se_ms, se_ref))
            half = (ms_stat("mean_hi")[s, y] - ms_stat("mean_lo")[s, y]) / 2
            # 1.96 or the exact normal quantile 1.959964: accept either
            if abs(half - Z * se_ms) > 5e-5 * Z * se_ms + 1e-12 * abs(m_ms):
                problems.append(f"mean interval: {model.series_names[s]} {model.years[y]} half-width "
                                f"{half!r}, expected 1.96 sd/sqrt(n) = {Z * se_ms!r}")
            # sd, both standard errors from the reference's fourth moment
            m4 = ref.m4[s, y]
            def se_sd(sd: float) -> float:
                return math.sqrt(max(m4 - sd ** 4, 0.0) / n) / (2 * sd) if sd > 0 else 0.0
            compare(s, y, "sd", sd_ms, sd_ref, K_SIGMA * math.hypot(se_sd(sd_ms), se_sd(sd_ref)))
            # quantiles
            for k, q in enumerate(model.quantiles):
                c = rm.quantile_column(q)
                v_ms, v_ref = ms_stat(c)[s, y], ref.quantiles[k, s, y]
                w_ms = ms_stat(c + "_hi")[s, y] - ms_stat(c + "_lo")[s, y]
                w_ref = ref.q_hi[k, s, y] - ref.q_lo[k, s, y]
                # The interval's ends are sketch estimates too, each within relative_accuracy,
                # so the width before rounding to buckets is at most w_ms + 2 a |v|. At 200,000
                # paths the width is only one or two buckets, so without this allowance se_q
                # would often be underestimated (even 0 when lo and hi share a bucket).
                quant = 2 * rel_acc * abs(v_ms)
                se_q = (w_ms + quant) / (2 * Z)
                compare(s, y, c, v_ms, v_ref, K_SIGMA * math.sqrt(2) * se_q + rel_acc * abs(v_ms))
                if not (0.5 * w_ref - quant <= w_ms <= 2.0 * w_ref + quant):
                    problems.append(f"quantile interval: {model.series_names[s]} {model.years[y]} {c} "
                                    f"width {w_ms!r}, reference order statistics give {w_ref!r}")

    for p in problems:
        print(p)
    if failures:
        print(f"{'series':<50} {'year':>4} {'stat':>6} {'marketsim':>14} {'reference':>14} "
              f"{'error':>11} {'tolerance':>11}")
        for (name, year, stat, a, b, err, tol) in failures:
            print(f"{name:<50} {year:>4} {stat:>6} {a:>14.8g} {b:>14.8g} {err:>11.4g} {tol:>11.4g}")
    print(f"{args.scenario}: {n} paths, {len(model.series_names)} series x {len(model.years) - 1} years, "
          f"{comparisons} comparisons, {len(failures)} outside {K_SIGMA:g} standard errors, "
          f"{len(problems)} other problems")
    print(f"largest |difference|/tolerance: {worst[0]:.3f} ({worst[1]}) "
          f"[in standard errors: {worst[0] * K_SIGMA:.2f}]")
    print("difference in combined standard errors (rms, mean): " + ", ".join(
        f"{k} {math.sqrt(np.mean(np.square(v))):.2f} {np.mean(v):+.2f}" for k, v in z_by_stat.items()))
    print(f"time: marketsim {t_ms:.1f} s, reference {t_ref:.1f} s, total {time.time() - t_start:.1f} s")
    if failures or problems:
        print(f"FAIL {args.scenario}")
        return 1
    print(f"PASS {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
