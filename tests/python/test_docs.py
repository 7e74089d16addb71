"""The Python examples of docs/python.md run: every ```python block, in order, in one namespace,
in a scratch folder holding a copy of scenarios/."""

import re
import shutil

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
