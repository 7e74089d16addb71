"""Fan charts with matplotlib, imported only when a plot is asked for."""

# The bands shaded, outermost first, and their opacity.
_BANDS = [("p05", "p95", 0.18), ("p10", "p90", 0.28), ("p25", "p75", 0.42)]


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only here: importing marketsim needs no matplotlib

    _, ax = plt.subplots(figsize=(8, 4.5))
    return ax


def _label(column):
    return "P" + str(int(column[1:]))


def plot_fan(result, series="total", ax=None, color="C0"):
    """A fan chart of one series of a run: shaded P5-P95, P10-P90 and P25-P75 bands (those of
    them the scenario's quantiles include), the median, and the scenario's targets for that
    series as markers.

    Args:
        result: a :class:`marketsim.Result`.
        series: the series to draw (``total``, ``region=europe``, ...).
        ax: a matplotlib Axes to draw on; None: a new figure's.
        color: the fan's colour.

    Returns:
        matplotlib.axes.Axes: the axes drawn on (``ax.figure.savefig("fan.png")``).
    """
    ax = _axes(ax)
    fan = result.fan(series)
    years = fan.index.to_numpy()
    for lo, hi, alpha in _BANDS:
        if lo in fan.columns and hi in fan.columns:
            ax.fill_between(years, fan[lo], fan[hi], color=color, alpha=alpha, linewidth=0,
                            label=f"{_label(lo)}-{_label(hi)}")
    if "p50" in fan.columns:
        ax.plot(years, fan["p50"], color=color, linewidth=2, label="median")
    else:
        ax.plot(years, fan["mean"], color=color, linewidth=2, label="mean")
    targets = result.target_probabilities
    targets = targets[targets["series"] == series] if not targets.empty else targets
    for _, target in targets.iterrows():
        ax.plot([target["year"]], [target["value"]], marker="D", color="black", linestyle="none")
        ax.annotate(f"P(>= {target['value']:g}) = {target['probability']:.0%}", (target["year"], target["value"]),
                    textcoords="offset points", xytext=(-8, 8), ha="right", fontsize=8)
    ax.set_title(f"{result.scenario.name}: {series}")
    ax.set_xlabel("year")
    ax.set_ylabel(result.scenario.unit)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(True, alpha=0.3)
    return ax


def plot_compare(comparison, series="total", ax=None, band=("p10", "p90")):
    """Each scenario of a comparison on one chart: its median and one shaded band (P10-P90 by
    default), in the order given.

    Args:
        comparison: a :class:`marketsim.Comparison`.
        series: the series to draw.
        ax: a matplotlib Axes; None: a new figure's.
        band: the pair of quantile columns shaded, e.g. ("p05", "p95").

    Returns:
        matplotlib.axes.Axes
    """
    ax = _axes(ax)
    lo, hi = band
    for k, (name, bands) in enumerate(comparison.bands.items()):
        rows = bands[bands["series"] == series]
        if rows.empty:
            raise ValueError(f"series '{series}' is not in the comparison's bands")
        color = f"C{k}"
        if lo in rows.columns and hi in rows.columns:
            ax.fill_between(rows["year"], rows[lo], rows[hi], color=color, alpha=0.2, linewidth=0)
        ax.plot(rows["year"], rows["p50" if "p50" in rows.columns else "mean"], color=color, linewidth=2,
                label=f"{name} (median, {_label(lo)}-{_label(hi)})")
    ax.set_title(f"{' vs '.join(comparison.scenarios)}: {series}")
    ax.set_xlabel("year")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(True, alpha=0.3)
    return ax
