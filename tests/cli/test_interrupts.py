"""The command's signal handling, phase by phase, with real signals in this process."""

from __future__ import annotations

import signal
import sys
import threading

import pytest

from host import Host
from host.interrupts import Interrupts, Phase, exit_status

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

BOUND = 10.0


def test_exit_statuses_follow_the_shell() -> None:
    assert exit_status(signal.SIGINT) == 130
    assert exit_status(signal.SIGTERM) == 143


def test_during_setup_a_signal_raises() -> None:
    with Interrupts() as interrupts, pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
    assert interrupts.exit_status == 143


def test_during_the_run_a_signal_asks_the_host_to_stop(host: Host) -> None:
    stopped_at: list[int] = []
    with Interrupts(escalate_after=BOUND) as interrupts:
        interrupts.running(host)

        def signal_at_frame_2(h: Host) -> None:
            if h.frame == 2:
                signal.raise_signal(signal.SIGINT)  # no exception here: a request
            stopped_at.append(h.frame)

        host.on_frame_end(signal_at_frame_2)
        ran = host.run(frames=100)
        interrupts.shutting_down()
    assert ran == 2 and stopped_at == [1, 2]
    assert interrupts.exit_status == 130


def test_a_run_that_does_not_stop_is_interrupted_by_the_watchdog(host: Host) -> None:
    with Interrupts(escalate_after=0.05) as interrupts:
        interrupts.running(host)
        signal.raise_signal(signal.SIGINT)
        # A frame stuck in a blocking call: the watchdog's own signal interrupts it.
        with pytest.raises(KeyboardInterrupt):
            threading.Event().wait(BOUND)
        interrupts.shutting_down()
    assert interrupts.phase is Phase.DONE


def test_during_shutdown_signals_are_ignored_and_an_overrun_is_bounded() -> None:
    gave_up = threading.Event()
    statuses: list[int] = []

    def give_up(status: int) -> None:
        statuses.append(status)
        gave_up.set()

    with Interrupts(shutdown_limit=0.05, on_give_up=give_up) as interrupts:
        interrupts.shutting_down()
        signal.raise_signal(signal.SIGTERM)  # quiet: nothing raised
        signal.raise_signal(signal.SIGINT)
        assert gave_up.wait(BOUND)  # the shutdown "hangs" here past its limit
    assert statuses == [143]


def test_handlers_are_restored_or_left_quiet() -> None:
    before = signal.getsignal(signal.SIGINT)
    before_term = signal.getsignal(signal.SIGTERM)
    with Interrupts():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before
    try:
        with Interrupts(quiet_after=True):
            pass
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
        signal.signal(signal.SIGTERM, before_term)
