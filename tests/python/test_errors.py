"""Mistakes raise ScenarioError with the command's message and the place it names; other failures
raise ordinary Python exceptions."""

import re

import pytest

import marketsim
from conftest import SCENARIOS, SOURCE

BAD_INPUTS = SOURCE / "tests" / "bad_inputs"


def catalogue():
    """The catalogued bad inputs whose only arguments are --set values."""
    for path in sorted(BAD_INPUTS.glob("*.toml")):
        args = " ".join(re.findall(r"^# args: (.*)$", path.read_text(errors="replace"), re.M)).split()
        if all(a == "--set" or args[i - 1] == "--set" for i, a in enumerate(args)):
            yield pytest.param(path.name, [a for i, a in enumerate(args) if a != "--set"], id=path.stem)


@pytest.mark.parametrize("name, sets", catalogue())
def test_every_catalogued_mistake_has_the_cli_message(name, sets, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(BAD_INPUTS)
    done = cli("run", name, "--paths", 1000, "--out", tmp_path / "out",
               *[a for s in sets for a in ("--set", s)], check=False)
    assert done.returncode == 2
    expected = done.stderr.strip().removeprefix("marketsim: ")
    with pytest.raises(ValueError) as caught:
        marketsim.load(name, set=sets).run(paths=1000)
    assert str(caught.value) == expected
    error = caught.value
    at = re.match(r"^(.+?):(\d+):(\d+): ", expected)
    if at:
        assert isinstance(error, marketsim.ScenarioError)
        assert (error.file, error.line, error.column) == (at.group(1), int(at.group(2)), int(at.group(3)))
    if expected.startswith("command line: --set"):
        assert isinstance(error, marketsim.ScenarioError)
        assert error.file is None and error.line is None and error.key


def test_unknown_key_names_file_line_column_and_key(tmp_path):
    bad = tmp_path / "typo.toml"
    bad.write_text('extends = "' + str(SCENARIOS / "baseline.toml") + '"\n\n[growth]\n  anual_sd = 0.02\n')
    with pytest.raises(marketsim.ScenarioError) as caught:
        marketsim.load(bad)
    e = caught.value
    assert e.message == f"{bad}:4:3: unknown key 'anual_sd' in [growth]; did you mean 'annual_sd'?"
    assert (e.file, e.line, e.column, e.key) == (str(bad), 4, 3, "growth.anual_sd")


def test_a_bad_value_names_its_key():
    with pytest.raises(marketsim.ScenarioError) as caught:
        marketsim.load(SCENARIOS / "baseline.toml", set={"growth.annual_sd": -0.5})
    e = caught.value
    assert e.key == "growth.annual_sd" and e.file is None and e.line is None
    assert e.message.startswith("command line: --set growth.annual_sd=-0.5: ")
    with pytest.raises(marketsim.ScenarioError) as caught:
        marketsim.load(SCENARIOS / "baseline.toml").with_set({"region.eurpe.shift": 0.01})
    assert caught.value.key == "region.eurpe.shift" and "did you mean" in caught.value.message


def test_a_missing_file_names_it():
    with pytest.raises(marketsim.ScenarioError) as caught:
        marketsim.load(SCENARIOS / "no_such_scenario.toml")
    assert caught.value.file == str(SCENARIOS / "no_such_scenario.toml")
    assert "cannot read scenario file" in caught.value.message


def test_other_mistakes_are_plain_python_errors():
    scenario = marketsim.load(SCENARIOS / "baseline.toml")
    for call in (lambda: scenario.run(paths=0), lambda: scenario.run(threads=0),
                 lambda: scenario.run(precision=2.0)):
        with pytest.raises(ValueError) as caught:
            call()
        assert not isinstance(caught.value, marketsim.ScenarioError)
    with pytest.raises(TypeError):
        marketsim.load(SCENARIOS / "baseline.toml", set="growth.rate=0.05")
    with pytest.raises(TypeError):
        marketsim.compare([scenario, 42])
    with pytest.raises(ValueError, match="at least two"):
        marketsim.compare([scenario])
