"""`cmake --install` puts the package where the prefix's Debian python3 imports it."""

import os
import subprocess
import sys
import sysconfig

import pytest

from conftest import SCENARIOS


def test_installed_module_imports_and_runs(tmp_path):
    build = os.environ.get("MARKETSIM_BUILD_DIR")
    if not build:
        pytest.fail("MARKETSIM_BUILD_DIR is not set: run these tests through ctest (label python)")
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", build, "--prefix", prefix], check=True, capture_output=True)
    site = prefix / "lib" / f"python{sysconfig.get_python_version()}" / "dist-packages"
    assert (site / "marketsim" / "__init__.py").is_file()
    code = ("import marketsim; r = marketsim.load(%r).run(paths=2000); "
            "print(marketsim.__file__); print(len(r.bands))" % str(SCENARIOS / "baseline.toml"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    where, rows = done.stdout.split()
    assert where.startswith(str(site)) and int(rows) > 0
