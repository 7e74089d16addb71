"""Fan charts render with ink in them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import marketsim  # noqa: E402
from conftest import SCENARIOS  # noqa: E402

FAN_BLUE = np.array([0x1F, 0x77, 0xB4]) / 255  # matplotlib's C0, the median's colour


def ink(png):
    """The share of pixels that are not white, and whether the fan's blue is among them."""
    pixels = matplotlib.image.imread(png)[:, :, :3]
    inked = (pixels < 0.97).any(axis=2).mean()
    blue = (np.abs(pixels - FAN_BLUE).max(axis=2) < 0.02).any()
    return inked, blue


def test_plot_fan_renders_a_png_with_ink(tmp_path):
    result = marketsim.load(SCENARIOS / "baseline.toml").run(paths=20000)
    ax = marketsim.plot_fan(result, "total")
    png = tmp_path / "fan.png"
    ax.figure.savefig(png, dpi=80)
    plt.close(ax.figure)
    inked, blue = ink(png)
    print(f"ink: {inked:.1%} of pixels")
    assert inked > 0.05 and blue
    # the bands and the median are drawn from the result's own numbers
    lines = [line for line in ax.get_lines() if line.get_label() == "median"]
    fan = result.fan("total")
    assert len(lines) == 1 and (lines[0].get_ydata() == fan["p50"].to_numpy()).all()
    assert len(ax.collections) == 3  # P5-P95, P10-P90, P25-P75


def test_plot_compare_on_given_axes(tmp_path):
    base = marketsim.load(SCENARIOS / "baseline.toml")
    cmp = marketsim.compare([base, base.with_set({"growth.rate": 0.07}, name="fast")], paths=10000)
    fig, ax = plt.subplots()
    assert marketsim.plot_compare(cmp, "region=europe", ax=ax) is ax
    png = tmp_path / "compare.png"
    fig.savefig(png, dpi=80)
    plt.close(fig)
    inked, blue = ink(png)
    assert inked > 0.03 and blue
    assert [line.get_label().split()[0] for line in ax.get_lines()] == ["baseline", "fast"]
