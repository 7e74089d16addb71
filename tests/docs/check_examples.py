#!/usr/bin/env python3
"""Check that the console examples in Markdown documentation are still true.

In a fenced block whose info string is `console`, a line starting with "$ " is a command and the
lines after it (up to the next "$ " line or the end of the block; trailing blank lines ignored)
are its expected output: stdout and stderr together, as a terminal shows them. Every command that
invokes marketsim (its first word after any VAR=value assignments is a path ending in
`marketsim`, or a wrapper such as mpirun is followed by one) runs with `bash -c` in a fresh
scratch folder per Markdown file, holding copies of scenarios/, tests/bad_inputs/,
tests/reference/check_scenarios/ and examples/, with build/release/marketsim and a bare
`marketsim` on PATH both pointing at --binary. Other commands are neither run nor checked. The
exit code is not compared; a command killed by --timeout fails.

Expected and actual text are masked alike (MASKS below: elapsed seconds, throughput, thread
counts), trailing whitespace is ignored, and an expected line "..." matches any number of actual
lines. A mismatch prints a unified diff. --update writes the actual (unmasked) output into the
Markdown in place of each mismatched example, leaving everything else byte-identical.

Usage: check_examples.py --binary PATH --source ROOT [--timeout S] [--update] FILE.md ...
"""
import argparse
import difflib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Applied in order to every expected and actual line.
MASKS = [
    # Elapsed seconds: "0.87 s", "22.92 s", "ETA 12 s".
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)? s\b"), "<seconds> s"),
    # Throughput in any float format: "5.03e+07 cell-year samples/s", "183.6 paths/s".
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)? (cell-year samples/s|paths/s)"),
     r"<rate> \1"),
    # Thread counts, singular or plural: "2 threads", "1 thread".
    (re.compile(r"(?<![\w.])\d+ threads?\b"), "<n> threads"),
]
ELLIPSIS = "..."  # an expected line of its own: any number of actual lines
# Commands that run another command: for these, any later word may be the marketsim binary.
WRAPPERS = {"mpirun", "mpiexec", "srun", "env", "time", "nice", "timeout", "taskset", "numactl"}
# Copied (not linked) into each scratch folder, at the same relative paths, when they exist.
FIXTURES = ["scenarios", "tests/bad_inputs", "tests/reference/check_scenarios", "examples"]
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass
class Example:
    line: int            # 1-based line number of the command in the Markdown file
    command: str
    start: int           # 0-based index of the first expected-output line
    expected: list[str]  # expected output, trailing blank lines removed
    indent: str          # the fence's indentation, repeated on every line of the block


def parse_examples(lines):
    """Every "$ " command in the file's console blocks, with the lines that follow it."""
    examples, fence, current = [], None, None
    for i, raw in enumerate(lines):
        text = raw.rstrip("\r\n")
        if fence is None:
            m = FENCE.match(text)
            if m:
                fence = (m.group(1), m.group(2), m.group(3) == "console")
            continue
        indent, marker, is_console = fence
        if re.fullmatch(r"\s*" + re.escape(marker[0]) + "{%d,}\\s*" % len(marker), text):
            fence, current = None, None
            continue
        if not is_console:
            continue
        body = text[len(indent):] if text.startswith(indent) else text.lstrip()
        if body.startswith("$ "):
            current = Example(i + 1, body[2:].strip(), i + 1, [], indent)
            examples.append(current)
        elif current is not None:
            current.expected.append(body)
    for ex in examples:
        while ex.expected and not ex.expected[-1].strip():
            ex.expected.pop()
    return examples


def invokes_marketsim(command):
    """True when the command runs the marketsim binary (directly or through a wrapper)."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    while words and ASSIGNMENT.match(words[0]):
        words = words[1:]
    if not words:
        return False
    names = [os.path.basename(w) for w in words]
    return names[0] == "marketsim" or (names[0] in WRAPPERS and "marketsim" in names[1:])


def mask(lines):
    """Masked lines without trailing whitespace or trailing blank lines."""
    out = []
    for line in lines:
        line = line.rstrip()
        for pattern, replacement in MASKS:
            line = pattern.sub(replacement, line)
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def matches(expected, actual):
    """Line-by-line equality where an expected "..." line absorbs zero or more actual lines."""
    reach = {0}  # positions in `actual` reachable after the expected lines so far
    for e in expected:
        if e.strip() == ELLIPSIS:
            reach = set(range(min(reach), len(actual) + 1)) if reach else set()
        else:
            reach = {j + 1 for j in reach if j < len(actual) and actual[j] == e}
    return len(actual) in reach


def make_scratch(root, source, binary):
    """A working folder with copies of the fixtures and the binary linked in; returns its env."""
    work, bindir = root / "work", root / "bin"
    for rel in FIXTURES:
        if (source / rel).is_dir():
            shutil.copytree(source / rel, work / rel, symlinks=False)
    (work / "build/release").mkdir(parents=True, exist_ok=True)
    (work / "build/release/marketsim").symlink_to(binary)
    bindir.mkdir()
    (bindir / "marketsim").symlink_to(binary)
    env = {k: v for k, v in os.environ.items() if k != "MARKETSIM_SIMD"}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    if os.geteuid() == 0:  # as root (containers, CI), OpenMPI's mpirun refuses without these
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return work, env


def run(command, cwd, env, timeout):
    """(stdout and stderr merged, timed out?) of `bash -c command`."""
    with subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          start_new_session=True) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: bash, mpirun, marketsim
            out, _ = proc.communicate()
            timed_out = True
    return out.decode("utf-8", errors="replace"), timed_out


def check_file(path, name, args):
    """Runs one Markdown file's examples; returns the number of failures not updated."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    examples = parse_examples(lines)
    if not any(invokes_marketsim(ex.command) for ex in examples):
        print(f"{name}: no examples")
        return 0
    failures, updates = 0, []
    with tempfile.TemporaryDirectory(prefix="marketsim-docs-") as tmp:
        work, env = make_scratch(Path(tmp), args.source, args.binary)
        for ex in examples:
            where = f"{name}:{ex.line}"
            if not invokes_marketsim(ex.command):
                print(f"skip {where}  {ex.command}")
                continue
            output, timed_out = run(ex.command, work, env, args.timeout)
            expected, actual = mask(ex.expected), mask(output.splitlines())
            if timed_out:
                failures += 1
                print(f"FAIL {where}  {ex.command}\n  killed after the {args.timeout:g} s timeout")
            elif matches(expected, actual):
                print(f"ok   {where}  {ex.command}", flush=True)
            else:
                failures += 1
                print(f"FAIL {where}  {ex.command}")
                sys.stdout.writelines(
                    line + "\n" for line in difflib.unified_diff(
                        expected, actual, f"expected ({where})", "actual", lineterm=""))
                updates.append((ex, output))
            sys.stdout.flush()
    if args.update and updates:
        for ex, output in reversed(updates):  # from the bottom, so indices stay valid
            newline = "\r\n" if lines[ex.line - 1].endswith("\r\n") else "\n"
            new = [line.rstrip() for line in output.splitlines()]
            while new and not new[-1]:
                new.pop()
            new = [(ex.indent + line if line else "") + newline for line in new]
            lines[ex.start:ex.start + len(ex.expected)] = new
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.writelines(lines)
        print(f"{name}: updated {len(updates)} example(s)")
        failures -= len(updates)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, type=Path, help="the marketsim binary to test")
    parser.add_argument("--source", required=True, type=Path, help="the project's root folder")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per command")
    parser.add_argument("--update", action="store_true",
                        help="write the actual output into the Markdown for mismatched examples")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.md")
    args = parser.parse_args()
    args.source = args.source.resolve()
    args.binary = args.binary.resolve()
    if not os.access(args.binary, os.X_OK):
        parser.error(f"{args.binary} is not an executable")
    failures = 0
    for file in args.files:
        # Relative to the source root, or failing that to the current folder.
        in_source = not file.is_absolute() and (args.source / file).exists()
        path = (args.source / file if in_source else file).resolve()
        if not path.is_file():
            parser.error(f"{path} not found")
        name = os.path.relpath(path, args.source) if path.is_relative_to(args.source) else str(path)
        failures += check_file(path, name, args)
    if failures:
        print(f"{failures} example(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
