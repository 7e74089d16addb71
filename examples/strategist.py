"""A strategist's what-if in Python: the baseline against a faster Asia-Pacific build-out.

Loads the shipped baseline and a what-if made in memory, compares them on common random numbers,
prints the 2033 table and saves a fan chart. Runs as a script or cell by cell (# %%) in an
editor that knows notebook cells:

    PYTHONPATH=build/release/python python3 examples/strategist.py --out strategist.png
"""

# %% Setup
import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")  # files only; drop this line in a notebook
import matplotlib.pyplot as plt  # noqa: E402

import marketsim  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--scenarios", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[1] / "scenarios",
                    help="the folder of the shipped scenarios")
parser.add_argument("--paths", type=int, default=100_000)
parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("strategist.png"), help="the chart to write")
args = parser.parse_args()

# %% The baseline and a what-if: Asia-Pacific grows 2 points faster, with a likelier slowdown
base = marketsim.load(args.scenarios / "baseline.toml")
what_if = base.with_set({"region.asia_pacific.shift": 0.032, "event.global_slowdown.probability": 0.15},
                        name="apac_build_out")
print(base)
print(what_if)

# %% Both on the same paths
cmp = marketsim.compare([base, what_if], paths=args.paths)
result = base.run(paths=args.paths)

# %% The 2033 table: each series' median in both, the change and how often the what-if is larger
bands = cmp.bands
year = base.horizon
table = (
    bands["baseline"].query("year == @year").set_index("series")[["p05", "p50", "p95"]]
    .join(bands["apac_build_out"].query("year == @year").set_index("series")[["p50"]], rsuffix="_what_if")
    .join(cmp.delta.query("year == @year").set_index("series")[["mean", "p50", "prob_b_gt_a"]].add_prefix("delta_"))
)
print(f"\n{year}, {base.unit} ({cmp.n_paths:,} paths, seed {cmp.seed})")
print(table.round(3).to_string())

# %% Fan chart of the baseline, and the two scenarios' medians side by side
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
marketsim.plot_fan(result, "total", ax=left)
marketsim.plot_compare(cmp, "total", ax=right)
fig.tight_layout()
fig.savefig(args.out, dpi=100)
print(f"\nwrote {args.out}")
