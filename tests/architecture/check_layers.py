#!/usr/bin/env python3
"""Check that the library's layers depend on each other one way only (docs/architecture.md).

Every source file under sim/src/<layer>/ and every public header under sim/include/marketsim/
belongs to a layer; a file may include headers of its own layer and of the layers before it,
never of a later one. Public headers belong to the layer that implements them (PUBLIC below).
The command line (sim/cli), the workbench server (sim/serve), the Python module (sim/python) and
the public headers themselves may include any public header and no private one.

Usage: check_layers.py PROJECT_ROOT   (exit 1 and one line per offending include)
"""
import re
import sys
from pathlib import Path

LAYERS = ["core", "math", "scenario", "model", "sampling", "stats", "engine", "analysis", "output"]
PUBLIC = {
    "error.hpp": "core", "numbers.hpp": "core", "interrupt.hpp": "core", "cluster.hpp": "core",
    "version.hpp": "core", "scenario.hpp": "scenario", "simd.hpp": "sampling",
    "quantiles.hpp": "stats", "run.hpp": "engine", "compare.hpp": "analysis", "sweep.hpp": "analysis",
    "calibrate.hpp": "analysis", "sensitivity.hpp": "analysis", "settings.hpp": "analysis",
    "bench.hpp": "analysis",
    "csv.hpp": "output", "json.hpp": "output", "text.hpp": "output", "xlsx.hpp": "output",
    "html.hpp": "output", "files.hpp": "output", "marketsim.hpp": "output",
}
INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^>"]+)[>"]', re.M)


def layer_of_include(path):
    """The layer of an included project header, or None for a system or third-party header."""
    first, _, rest = path.partition("/")
    if first == "marketsim":
        return PUBLIC.get(rest, "unknown public header " + rest)
    if first in LAYERS:
        return first
    return None


def main():
    root = Path(sys.argv[1])
    problems = []
    files = [(p, p.relative_to(root / "sim/src").parts[0]) for p in sorted((root / "sim/src").rglob("*.[ch]pp"))]
    files += [(p, PUBLIC.get(p.name)) for p in sorted((root / "sim/include/marketsim").glob("*.hpp"))]
    for path, layer in files:
        rel = path.relative_to(root)
        if layer not in LAYERS:
            problems.append(f"{rel}: not in a layer (add it to a folder of sim/src, or to PUBLIC here)")
            continue
        for included in INCLUDE.findall(path.read_text()):
            dep = layer_of_include(included)
            if dep is None or dep == layer:
                continue
            if dep not in LAYERS:
                problems.append(f"{rel}: includes {included}: {dep}")
            elif LAYERS.index(dep) > LAYERS.index(layer):
                problems.append(f"{rel} ({layer}) includes {included} of the later layer {dep}")
    # the installed headers stand alone: no private header of the library
    for path in sorted((root / "sim/include/marketsim").glob("*.hpp")):
        for included in INCLUDE.findall(path.read_text()):
            if included.partition("/")[0] in LAYERS:
                problems.append(f"{path.relative_to(root)} is public but includes the private header {included}")
    front_ends = ("sim/cli", "sim/serve", "sim/python")
    for path in sorted(p for front in front_ends for p in (root / front).rglob("*.[ch]pp")):
        for included in INCLUDE.findall(path.read_text()):
            if included.partition("/")[0] in LAYERS:
                problems.append(f"{path.relative_to(root)} includes the library's private header {included}")
    for p in problems:
        print(p)
    print(f"{len(files)} library files checked against the layers {' -> '.join(LAYERS)}: "
          + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
