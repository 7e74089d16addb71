"""The Python examples run: every ```python block of docs/python.md, in order, in one namespace,
in a scratch folder holding a copy of scenarios/; and examples/strategist.py."""

import re
import shutil
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from conftest import SCENARIOS, SOURCE  # noqa: E402


def test_python_md_examples_run(tmp_path, monkeypatch, capsys):
    page = (SOURCE / "docs" / "python.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```$", page, re.S | re.M)
    assert len(blocks) >= 5
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"python.md block {number}", "exec"), namespace)  # noqa: S102
    plt.close("all")
    printed = capsys.readouterr().out
    # the error example printed its message and its attributes
    assert "unknown path 'growth.anual_sd'" in printed and "None None None growth.anual_sd" in printed
    assert (tmp_path / "fan.png").stat().st_size > 10_000


def test_strategist_example_runs(tmp_path):
    png = tmp_path / "strategist.png"
    done = subprocess.run([sys.executable, str(SOURCE / "examples" / "strategist.py"), "--paths", "5000", "--out",
                           str(png)], capture_output=True, text=True, check=True)
    assert "2033, USD bn (5,000 paths, seed 2033)" in done.stdout
    assert re.search(r"^region=asia_pacific\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+1\.0+$",
                     done.stdout, re.M)
    assert png.stat().st_size > 20_000
