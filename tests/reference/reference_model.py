#!/usr/bin/env python3
"""Independent reference implementation of the marketsim model (docs/model.md).

Written from the model's description (docs/model.md) alone, without reading marketsim's sources: it is a statistical
cross-check, not a bit-for-bit replica. It draws with numpy's own generator
(np.random.default_rng(seed)), never with marketsim's Philox streams.

Input: a *resolved* scenario TOML, as printed by `marketsim validate SCENARIO` (the whole stdout
is valid TOML: the header and the trailing cell list are comments). Python 3.11+ (tomllib).

Usage as a program:
    reference_model.py RESOLVED.toml [--paths N] [--seed S] [--out bands.csv]
writes (or prints) a bands.csv-like table: series,year,mean,sd,<quantile columns>.

Model (docs/model.md):
    V(c,B)   = base_value * prod_d share_d(c_d)               (shares normalized per dimension)
    V(c,y)   = V(c,y-1) * exp(r(c,y))                          y = B+1..H
    r(c,y)   = ln(1+mu(c,y)) + D_c + sA(c) A(c,y) + sum_e J_e(c,y)
    mu(c,y)  = rate(y) + sum_d shift_d(c_d, y) + sum_a shift_a(c, y)   (a shift: a number or a year table;
                                                                a: the [[adjust]] tables whose filter matches c)
    D_c      = sL(c) ZL_c (once per path), A(.,y) fresh every year, ZL, A ~ N(0,R)
    J_e      = an event's impact: a number, or per path one draw of its three-point distribution
               (PERT: low + (high - low) Beta(a, b); triangular; uniform) used in every active year
    once     = an event that fires at most once: with U uniform, it fires when U < p, in year
               first + min(n - 1, floor(U n / p)) of its n clipped years
    with growth.annual_tails = nu: e(.,y) = sqrt((nu-2)/W) Z(.,y), W ~ chi2(nu) per path and year
    with growth.annual_persistence = phi: A(.,B+1) = e(.,B+1), A(.,y) = phi A(.,y-1) + sqrt(1-phi^2) e(.,y)
    Z_c      = sqrt(wg) G + sum_d sqrt(w_d) F_d[c_d] + sqrt(max(0, 1 - wg - sum w_d)) E_c
    F_d      = S_d xi_d, S_d S_d^T = C_d (eigen-decomposition square root)
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tomllib
from dataclasses import dataclass, field

import numpy as np

DEFAULT_QUANTILES = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95]
DEFAULT_RELATIVE_ACCURACY = 1e-4


class Unsupported(Exception):
    """The scenario uses a feature the reference does not implement (e.g. growth.long_run)."""


class ScenarioError(Exception):
    """The scenario violates the model's rules (marketsim should have rejected it)."""


@dataclass
class Event:
    name: str
    probability: float
    first: int          # first firing year after clipping to B+1..H
    last: int           # last firing year after clipping (last < first: never fires)
    impact: float
    duration: int
    match: np.ndarray   # bool per cell
    dist: tuple | None = None   # an uncertain impact: (dist, low, mode, high); impact is then its mode
    once: bool = False          # fires at most once within first..last


@dataclass
class Model:
    name: str
    base_year: int
    horizon: int
    years: list[int]                 # B..H
    cell_names: list[str]
    base: np.ndarray                 # V(c,B), per cell
    drift: np.ndarray                # ln(1+mu(c,y)), shape (H-B, cells), row i is year B+1+i
    s_long: np.ndarray               # sL(c)
    s_annual: np.ndarray             # sA(c)
    w_global: float
    w_dims: list[float]
    w_idio: float
    member_index: list[np.ndarray]   # per dimension: member index of each cell
    sqrt_c: list[np.ndarray]         # per dimension: S_d (members x members)
    events: list[Event]
    series_names: list[str]
    aggregation: np.ndarray          # (cells, series): series value = V @ aggregation
    quantiles: list[float]
    relative_accuracy: float
    warnings: list[str] = field(default_factory=list)
    # output series as (0, j): aggregation column j, or (1, j): column j over the total (output.shares)
    layout: list[tuple[int, int]] = field(default_factory=list)
    persistence: float = 0.0         # phi of the AR(1) annual noise
    tails: int | None = None         # nu of Student-t years, None: normal years


def _series_values(m: "Model", agg: np.ndarray) -> np.ndarray:
    """The output series from the aggregated ones (last axis): share series divide by the total."""
    if not m.layout:
        return agg
    cols = [agg[..., j] if kind == 0 else agg[..., j] / agg[..., 0] for kind, j in m.layout]
    return np.stack(cols, axis=-1)


def load_resolved(text: str) -> dict:
    """Parses the stdout of `marketsim validate` (comments included) as TOML."""
    return tomllib.loads(text)


def _matrix_sqrt(c: np.ndarray, dim: str) -> np.ndarray:
    """S with S S^T = C from the symmetric eigen-decomposition (singular C allowed)."""
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise ScenarioError(f"correlation.matrix.{dim} is not square")
    if not np.allclose(c, c.T, atol=1e-12):
        raise ScenarioError(f"correlation.matrix.{dim} is not symmetric")
    if not np.allclose(np.diag(c), 1.0, atol=1e-12):
        raise ScenarioError(f"correlation.matrix.{dim} does not have a unit diagonal")
    lam, q = np.linalg.eigh(c)
    if lam.min() < -1e-9:
        raise ScenarioError(
            f"correlation.matrix.{dim} is not positive semi-definite "
            f"(smallest eigenvalue {lam.min():.3g})")
    return q * np.sqrt(np.clip(lam, 0.0, None))


def shift_value(spec, y: int) -> float:
    """A shift in year y: a number, or a table {year: value} interpolated linearly between its
    years and constant before the first and after the last (docs/model.md)."""
    if not isinstance(spec, dict):
        return float(spec)
    points = sorted((int(k), float(v)) for k, v in spec.items())
    if y <= points[0][0]:
        return points[0][1]
    if y >= points[-1][0]:
        return points[-1][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:]):
        if y0 <= y <= y1:
            return v0 + (v1 - v0) * (y - y0) / (y1 - y0)
    raise AssertionError("unreachable")


def build_model(doc: dict) -> Model:
    sc = doc["scenario"]
    growth = doc.get("growth", {})
    if "long_run" in growth:
        raise Unsupported("growth.long_run (three-point estimates) is not supported by the reference")
    b = int(sc["base_year"])
    h = int(sc["horizon"])
    if h <= b:
        raise ScenarioError("horizon must be after base_year")
    base_value = float(sc["base_value"])
    name = sc.get("name", "scenario")

    # Dimensions and cells (the last dimension varies fastest).
    dims = doc.get("dimension", [])
    dim_names = [d["name"] for d in dims]
    members = [[m["name"] for m in d["members"]] for d in dims]
    shares = []
    for d in dims:
        s = np.array([float(m["share"]) for m in d["members"]])
        shares.append(s / s.sum())
    shift_specs = [[m.get("shift", 0.0) for m in d["members"]] for d in dims]
    scales = [np.array([float(m.get("sd_scale", 1.0)) for m in d["members"]]) for d in dims]

    tuples = list(itertools.product(*[range(len(m)) for m in members]))  # [()] with no dims
    n_cells = len(tuples)
    member_index = [np.array([t[k] for t in tuples], dtype=np.intp) for k in range(len(dims))]
    base = np.full(n_cells, base_value)
    scale = np.ones(n_cells)
    # [shares.<dimension>.<given>]: rows of <dimension>'s shares within members of <given>
    conditional = doc.get("shares", {})
    for k in range(len(dims)):
        share_k = shares[k][member_index[k]]
        for given, rows in conditional.get(dim_names[k], {}).items():
            g = dim_names.index(given)
            if g >= k:
                raise ScenarioError(f"shares.{dim_names[k]}.{given}: not an earlier dimension")
            for member, row in rows.items():
                r = np.array(row, dtype=float)
                r = r / r.sum()
                inside = member_index[g] == members[g].index(member)
                share_k = np.where(inside, r[member_index[k]], share_k)
        base = base * share_k
        scale = scale * scales[k][member_index[k]]

    # [[adjust]]: a where filter, a shift added to mu, sd_scale multiplying sL and sA, share
    # multiplying the base value before every cell is rescaled to keep the total at base_value
    adjustments = []
    for a in doc.get("adjust", []):
        match = np.ones(n_cells, dtype=bool)
        for dn, allowed in a["where"].items():
            k = dim_names.index(dn)
            ok = np.array([m in allowed for m in members[k]])
            match &= ok[member_index[k]]
        adjustments.append((match, a.get("shift", 0.0)))
        scale = np.where(match, scale * float(a.get("sd_scale", 1.0)), scale)
        base = np.where(match, base * float(a.get("share", 1.0)), base)
    base = base_value * base / base.sum()

    def cell_shift(y: int) -> np.ndarray:
        """sum_d shift_d(c_d, y) + sum_a shift_a(y) per cell; a shift is a number or a year table."""
        total = np.zeros(n_cells)
        for k in range(len(dims)):
            per_member = np.array([shift_value(spec, y) for spec in shift_specs[k]])
            total = total + per_member[member_index[k]]
        for match, spec in adjustments:
            total = total + np.where(match, shift_value(spec, y), 0.0)
        return total
    cell_names = ["/".join(f"{dim_names[k]}={members[k][t[k]]}" for k in range(len(dims))) or "total"
                  for t in tuples]

    # Growth: rate(y) from growth.rate or the period containing y.
    rate = float(growth.get("rate", 0.0))
    periods = growth.get("period", [])
    years_growth = list(range(b + 1, h + 1))
    drift = np.empty((len(years_growth), n_cells))
    for i, y in enumerate(years_growth):
        ry = rate
        hits = [p for p in periods if int(p["from"]) <= y <= int(p["to"])]
        if len(hits) > 1:
            raise ScenarioError(f"growth periods overlap in {y}")
        if hits:
            ry = float(hits[0]["rate"])
        mu = ry + cell_shift(y)
        if np.any(mu <= -1.0):
            raise ScenarioError(f"mu <= -1 in {y}")
        drift[i] = np.log1p(mu)
    s_long = float(growth.get("long_run_sd", 0.0)) * scale
    s_annual = float(growth.get("annual_sd", 0.0)) * scale
    persistence = float(growth.get("annual_persistence", 0.0))
    if not 0.0 <= persistence < 1.0:
        raise ScenarioError(f"growth.annual_persistence = {persistence} is outside [0, 1)")
    tails = growth.get("annual_tails")
    if tails is not None and (not isinstance(tails, int) or not 3 <= tails <= 60):
        raise ScenarioError(f"growth.annual_tails = {tails!r} is not an integer in 3..60")

    # Correlation (weights default to 0; C_d the identity unless a matrix is given).
    corr = doc.get("correlation", {})
    w_global = float(corr.get("global", 0.0))
    w_dims = [float(corr.get(dn, 0.0)) for dn in dim_names]
    total_w = w_global + sum(w_dims)
    if total_w > 1 + 1e-12:
        raise ScenarioError(f"correlation weights sum to {total_w} > 1")
    w_idio = max(0.0, 1.0 - total_w)
    matrices = corr.get("matrix", {})
    sqrt_c = []
    for k, dn in enumerate(dim_names):
        if dn in matrices:
            c = np.array(matrices[dn], dtype=float)
            if c.shape != (len(members[k]), len(members[k])):
                raise ScenarioError(f"correlation.matrix.{dn} has the wrong size")
            try:
                sqrt_c.append(_matrix_sqrt(c, dn))
            except ScenarioError:
                if corr.get("repair", False):
                    raise Unsupported(f"correlation.repair of matrix.{dn} is not part of the model's description")
                raise
        else:
            sqrt_c.append(np.eye(len(members[k])))

    # Events.
    events = []
    warnings = []
    for e in doc.get("event", []):
        if "at" in e:
            if "from" in e or "to" in e:
                raise ScenarioError(f"event {e['name']}: both at and from/to")
            f0 = t0 = int(e["at"])
        else:
            f0, t0 = int(e["from"]), int(e["to"])
        first, last = max(f0, b + 1), min(t0, h)
        if last < first:
            warnings.append(f"event {e['name']} lies wholly outside {b + 1}..{h}")
        duration = int(e.get("duration", 1))
        if duration < 1:
            raise ScenarioError(f"event {e['name']}: duration < 1")
        match = np.ones(n_cells, dtype=bool)
        for dn, allowed in e.get("where", {}).items():
            k = dim_names.index(dn)
            ok = np.array([m in allowed for m in members[k]])
            match &= ok[member_index[k]]
        impact, dist = e["impact"], None
        if isinstance(impact, dict):
            lo, hi = float(impact["low"]), float(impact["high"])
            mode = float(impact["mode"]) if impact["dist"] != "uniform" else 0.5 * (lo + hi)
            if "mode" in impact and impact["dist"] == "uniform":
                raise ScenarioError(f"event {e['name']}: a uniform impact with a mode")
            if not (lo < hi and lo <= mode <= hi):
                raise ScenarioError(f"event {e['name']}: impact points out of order")
            dist = (impact["dist"], lo, mode, hi)
            impact = mode
        events.append(Event(e["name"], float(e["probability"]), first, last,
                            float(impact), duration, match, dist, bool(e.get("once", False))))

    # Series: total, every member of every dimension, then (if asked) every cell.
    out = doc.get("output", {})
    cells_out = bool(out.get("cells", False))
    # docs/decisions.md: a target that names a cell also includes the cell series.
    if any("/" in str(t.get("series", "")) for t in doc.get("target", [])):
        cells_out = True
    series_names = ["total"]
    cols = [np.ones(n_cells)]
    for k, dn in enumerate(dim_names):
        for j, mn in enumerate(members[k]):
            series_names.append(f"{dn}={mn}")
            cols.append((member_index[k] == j).astype(float))
    if cells_out and dims:
        for c in range(n_cells):
            series_names.append(cell_names[c])
            col = np.zeros(n_cells)
            col[c] = 1.0
            cols.append(col)
    aggregation = np.stack(cols, axis=1)
    # output.shares: after the members, each member's share of the total; after the cells, each cell's
    share_of = []
    if bool(out.get("shares", False)) and dims:
        member_names = series_names[1:1 + sum(len(m) for m in members)]
        share_of = [("share:" + nm, 1 + j) for j, nm in enumerate(member_names)]
        if cells_out:
            first_cell = 1 + len(member_names)
            share_of += [("share:" + cell_names[c], first_cell + c) for c in range(n_cells)]

    # the output's series: the aggregated ones, with the share series after the members and the cells
    n_members = sum(len(mm) for mm in members)
    layout = [(0, j) for j in range(1 + n_members)]
    layout += [(1, col) for _, col in share_of if col <= n_members]
    layout += [(0, j) for j in range(1 + n_members, len(series_names))]
    layout += [(1, col) for _, col in share_of if col > n_members]
    series_names = (series_names[:1 + n_members]
                    + [nm for nm, col in share_of if col <= n_members]
                    + series_names[1 + n_members:]
                    + [nm for nm, col in share_of if col > n_members])
    quantiles = [float(q) for q in out.get("quantiles", DEFAULT_QUANTILES)]
    return Model(name, b, h, list(range(b, h + 1)), cell_names, base, drift, s_long, s_annual,
                 w_global, w_dims, w_idio, member_index, sqrt_c, events, series_names,
                 aggregation, quantiles, float(out.get("relative_accuracy", DEFAULT_RELATIVE_ACCURACY)),
                 warnings, layout, persistence, tails)


def factor_loadings(m: Model) -> np.ndarray:
    """L with Z = [G, xi_1, ..., xi_D] @ L + sqrt(w_idio) E, shape (1 + sum_d members_d, cells).

    F_d[c_d] = sum_j S_d[c_d, j] xi_d[j], so xi_d[j] loads sqrt(w_d) S_d[c_d, j] on cell c.
    """
    n_cells = m.base.size
    rows = [np.full((1, n_cells), np.sqrt(m.w_global))]
    for k, s in enumerate(m.sqrt_c):
        rows.append(np.sqrt(m.w_dims[k]) * s[m.member_index[k], :].T)
    return np.vstack(rows)


def _draw_z(m: Model, loadings: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """n independent draws of Z ~ N(0, R) over the cells, by the factor structure."""
    z = rng.standard_normal((n, loadings.shape[0])) @ loadings
    if m.w_idio > 0.0:
        z += np.sqrt(m.w_idio) * rng.standard_normal((n, m.base.size))
    return z


def _event_activity(ev: Event, b: int, h: int, rng: np.random.Generator, n: int) -> np.ndarray:
    """Boolean (n, H-B): whether the event is active in year B+1+i on each path."""
    n_years = h - b
    active = np.zeros((n, n_years), dtype=bool)
    if ev.last < ev.first:
        return active
    if ev.once:
        years = ev.last - ev.first + 1
        u = rng.random(n)
        fired = u < ev.probability
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.minimum(years - 1, np.floor(u * years / ev.probability)).astype(np.int64)
        rows = np.nonzero(fired)[0]
        lo = ev.first + k[rows] - (b + 1)
        for r, start in zip(rows, lo):
            active[r, start:min(start + ev.duration, n_years)] = True
        return active
    fires = rng.random((n, ev.last - ev.first + 1)) < ev.probability
    for j, f in enumerate(range(ev.first, ev.last + 1)):
        lo = f - (b + 1)
        hi = min(f + ev.duration - 1, h) - (b + 1)
        active[:, lo:hi + 1] |= fires[:, j:j + 1]
    return active


def _event_impacts(ev: Event, rng: np.random.Generator, n: int) -> np.ndarray | float:
    """The event's impact on each of n paths, shape (n, 1); a fixed impact is a number."""
    if ev.dist is None:
        return ev.impact
    kind, lo, mode, hi = ev.dist
    if kind == "pert":
        a = 1 + 4 * (mode - lo) / (hi - lo)
        b = 1 + 4 * (hi - mode) / (hi - lo)
        x = lo + (hi - lo) * rng.beta(a, b, n)
    elif kind == "triangular":
        x = rng.triangular(lo, mode, hi, n)
    elif kind == "uniform":
        x = rng.uniform(lo, hi, n)
    else:
        raise ScenarioError(f"event {ev.name}: unknown impact distribution {kind}")
    return x[:, None]


def simulate(m: Model, n_paths: int, seed: int, chunk: int = 20000) -> np.ndarray:
    """Series values, shape (series, years B..H, paths), float64."""
    rng = np.random.default_rng(seed)
    n_series = len(m.series_names)
    n_years = len(m.years)
    values = np.empty((n_series, n_years, n_paths))
    values[:, 0, :] = _series_values(m, m.base @ m.aggregation)[:, None]
    loadings = factor_loadings(m)
    for start in range(0, n_paths, chunk):
        n = min(chunk, n_paths - start)
        sl = slice(start, start + n)
        d = m.s_long * _draw_z(m, loadings, rng, n)                        # D_c, once per path
        act = [_event_activity(ev, m.base_year, m.horizon, rng, n) for ev in m.events]
        size = [_event_impacts(ev, rng, n) for ev in m.events]
        v = np.broadcast_to(m.base, (n, m.base.size)).copy()
        noise = None                                                       # A(., y-1)
        for i in range(n_years - 1):
            e = _draw_z(m, loadings, rng, n)
            if m.tails is not None:                                        # one t-scale per path and year
                e *= np.sqrt((m.tails - 2) / rng.chisquare(m.tails, size=n))[:, None]
            noise = e if noise is None or m.persistence == 0.0 else (
                m.persistence * noise + np.sqrt(1.0 - m.persistence ** 2) * e)
            r = m.drift[i] + d + m.s_annual * noise
            for ev, a, j in zip(m.events, act, size):
                r += (j * a[:, i:i + 1]) * ev.match
            v *= np.exp(r)
            values[:, i + 1, sl] = _series_values(m, v @ m.aggregation).T
    return values


@dataclass
class Stats:
    mean: np.ndarray        # (series, years)
    sd: np.ndarray          # ddof = 1
    m4: np.ndarray          # fourth central moment (divided by n)
    quantiles: np.ndarray   # (q, series, years), numpy's default (linear, type 7)
    q_lo: np.ndarray        # (q, series, years): distribution-free 95% interval of each
    q_hi: np.ndarray        #   quantile, order statistics at ranks n q -/+ 1.96 sqrt(n q (1-q))
    n: int


def statistics(m: Model, values: np.ndarray) -> Stats:
    """Statistics over paths, one series at a time to bound temporary memory."""
    n_series, n_years, n = values.shape
    qs = np.array(m.quantiles)
    half = 1.96 * np.sqrt(qs * (1 - qs) / n)
    levels = np.concatenate([qs, np.clip(qs - half, 0, 1), np.clip(qs + half, 0, 1)])
    mean = np.empty((n_series, n_years))
    sd = np.empty_like(mean)
    m4 = np.empty_like(mean)
    allq = np.empty((levels.size, n_series, n_years))
    for s in range(n_series):
        x = values[s]
        mean[s] = x.mean(axis=1)
        dev = x - mean[s][:, None]
        dev2 = dev * dev
        sd[s] = np.sqrt(dev2.sum(axis=1) / (n - 1))
        m4[s] = (dev2 * dev2).mean(axis=1)
        allq[:, s, :] = np.quantile(x, levels, axis=1)
    k = qs.size
    return Stats(mean, sd, m4, allq[:k], allq[k:2 * k], allq[2 * k:], n)


def quantile_column(q: float) -> str:
    """'p' + percent, shortest form after rounding to 10 significant digits (docs/model.md, "Outputs")."""
    pct = float(f"{q * 100:.10g}")
    if pct == int(pct):
        return f"p{int(pct):02d}"
    return "p" + repr(pct)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("resolved", help="resolved scenario TOML (stdout of `marketsim validate`), '-' for stdin")
    ap.add_argument("--paths", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="write a bands.csv-like file here (default: stdout)")
    args = ap.parse_args(argv)
    text = sys.stdin.read() if args.resolved == "-" else open(args.resolved, encoding="utf-8").read()
    try:
        m = build_model(load_resolved(text))
    except Unsupported as e:
        print(f"reference_model: unsupported: {e}", file=sys.stderr)
        return 77
    st = statistics(m, simulate(m, args.paths, args.seed))
    lines = [",".join(["series", "year", "mean", "sd"] + [quantile_column(q) for q in m.quantiles])]
    for s, name in enumerate(m.series_names):
        for y, year in enumerate(m.years):
            row = [name, str(year), repr(float(st.mean[s, y])), repr(float(st.sd[s, y]))]
            row += [repr(float(st.quantiles[k, s, y])) for k in range(len(m.quantiles))]
            lines.append(",".join(row))
    text_out = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text_out)
    else:
        sys.stdout.write(text_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
