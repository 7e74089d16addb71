"""KeyboardInterrupt (Ctrl-C in a notebook) stops sampling within a second, and sampling leaves
the GIL to other threads.

The bound checked is generous (3 s, for a loaded machine): a run that would take minutes must
stop in well under it after the interrupt. The module checks for a signal every 50 ms."""

import _thread
import os
import signal
import threading
import time

import pytest

import marketsim
from conftest import SCENARIOS, assert_same_frame

LONG = 400_000_000  # paths: minutes of sampling on any machine
BOUND = 3.0


def interrupted_after(delay, interrupt, call):
    """Runs call(), interrupting it after `delay` seconds; returns the seconds from the interrupt
    to the KeyboardInterrupt."""
    fired = []

    def fire():
        fired.append(time.monotonic())
        interrupt()

    timer = threading.Timer(delay, fire)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
        return time.monotonic() - fired[0]
    finally:
        timer.cancel()


@pytest.mark.parametrize("interrupt", [_thread.interrupt_main, lambda: os.kill(os.getpid(), signal.SIGINT)],
                         ids=["interrupt_main", "SIGINT"])
def test_a_long_run_stops_soon_after_an_interrupt(interrupt):
    scenario = marketsim.load(SCENARIOS / "baseline.toml")
    started = time.monotonic()
    stopped = interrupted_after(1.0, interrupt, lambda: scenario.run(paths=LONG))
    print(f"stopped {stopped:.3f} s after the interrupt ({time.monotonic() - started:.1f} s in all)")
    assert stopped < BOUND
    # nothing stays behind: the next run is whole and the same as ever
    assert_same_frame(scenario.run(paths=5000).bands, scenario.run(paths=5000, threads=1).bands)


def test_compare_and_sweep_stop_too():
    base = marketsim.load(SCENARIOS / "baseline.toml")
    fast = base.with_set({"growth.rate": 0.06}, name="fast")
    assert interrupted_after(1.0, _thread.interrupt_main, lambda: marketsim.compare([base, fast], paths=LONG)) < BOUND
    assert interrupted_after(1.0, _thread.interrupt_main,
                             lambda: marketsim.sweep(base, {"growth.rate": (0.04, 0.06, 0.01)}, paths=LONG)) < BOUND


def test_other_threads_run_while_sampling():
    scenario = marketsim.load(SCENARIOS / "baseline.toml")
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        time.sleep(0.05)
        started = time.monotonic()
        interrupted_after(1.0, _thread.interrupt_main, lambda: scenario.run(paths=LONG))
        ended = time.monotonic()
    finally:
        stop.set()
        ticker.join()
    during = [t for t in ticks if started + 0.1 < t < ended - 0.1]
    print(f"{len(during)} ticks in {ended - started:.2f} s of sampling")
    # about 100 when the GIL is free; with the GIL held for the whole run, none
    assert len(during) >= 20
