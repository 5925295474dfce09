"""offergen watch: a real watcher on a scratch workspace, driven by real saves."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from offergen.watch import Round, round_lines, rounds

from .conftest import pdf_text, run

WAIT = 20.0  # seconds: generous, a slow machine must not fail; nothing here is timed


class Driven:
    """`rounds()` running in a thread, each round handed over through a queue."""

    def __init__(self, root: Path, offers: tuple[str, ...] = ()) -> None:
        self.stop = threading.Event()
        self.rounds: queue.Queue[Round | BaseException] = queue.Queue()
        self.thread = threading.Thread(target=self._run, args=(root, offers), daemon=True)
        self.thread.start()

    def _run(self, root: Path, offers: tuple[str, ...]) -> None:
        try:
            for done in rounds(root, offers, stop=self.stop):
                self.rounds.put(done)
        except BaseException as error:  # the test must see it, not a silent thread
            self.rounds.put(error)

    def until(self, wanted: Callable[[Round], bool]) -> Round:
        """The first round `wanted` accepts; earlier ones (a save seen in two parts) pass."""
        deadline = time.monotonic() + WAIT
        while (left := deadline - time.monotonic()) > 0:
            try:
                done = self.rounds.get(timeout=left)
            except queue.Empty:
                break
            if isinstance(done, BaseException):
                raise done
            if wanted(done):
                return done
        raise AssertionError(f"no such round within {WAIT} s")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), "the watcher did not stop"


@pytest.fixture
def two_offers(scratch: Path) -> Path:
    first = scratch / "offers" / "a-1.yaml"
    second = first.read_text("utf-8").replace("КП-1", "КП-2")
    (scratch / "offers" / "a-2.yaml").write_text(second, "utf-8")
    return scratch


@pytest.fixture
def driven(two_offers: Path) -> Iterator[Driven]:
    watcher = Driven(two_offers)
    yield watcher
    watcher.close()


def _rebuilt(done: Round) -> set[str]:
    return {result.offer_id for result in done.rebuilt}


def _renumber(workspace: Path, number: str) -> None:
    path = workspace / "offers" / "a-1.yaml"
    text = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join([f"number: {number}\n", *text[1:]]), "utf-8")


def test_a_save_rebuilds_its_offer_only(two_offers: Path, driven: Driven) -> None:
    first = driven.until(lambda done: done.built)
    assert _rebuilt(first) == {"a-1", "a-2"} and first.problems == ()
    other = two_offers / "out" / "a-2"
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in other.iterdir()}

    _renumber(two_offers, "КП-77")
    done = driven.until(lambda done: "a-1" in _rebuilt(done))
    assert done.changed == ("offers/a-1.yaml",)
    assert "КП-77" in pdf_text(two_offers / "out" / "a-1" / "proposal.pdf")
    assert _rebuilt(done) == {"a-1"}
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in other.iterdir()}
    assert after == before  # documents and manifest of the other offer untouched
    assert ("rebuilt a-1: proposal.pdf, proposal.docx", False) in round_lines(done, first)


def test_a_half_written_save_is_reported_and_the_next_good_one_builds(
    two_offers: Path, driven: Driven
) -> None:
    first = driven.until(lambda done: done.built)
    offer = two_offers / "offers" / "a-1.yaml"
    good = offer.read_text("utf-8")
    offer.write_text(good[: good.index("items:")] + "items:\n  - sku: [pump\n", "utf-8")

    broken = driven.until(lambda done: bool(done.problems))
    where = [str(p) for p in broken.problems if p.path == "offers/a-1.yaml"]
    assert where and where[0].startswith("offers/a-1.yaml:"), broken.problems
    line, column = where[0].split(":")[1:3]
    assert int(line) >= 5 and int(column) >= 1
    said = round_lines(broken, first)
    assert (where[0], True) in said
    assert any(text.startswith("BLOCKED a-1:") for text, _ in said), said
    assert driven.thread.is_alive()

    offer.write_text("number: КП-88\n" + good.split("\n", 1)[1], "utf-8")
    fixed = driven.until(lambda done: not done.problems and "a-1" in _rebuilt(done))
    assert ("ok: no problems left", False) in round_lines(fixed, broken)
    assert "КП-88" in pdf_text(two_offers / "out" / "a-1" / "proposal.pdf")


def test_a_changed_stylesheet_is_read_again(two_offers: Path) -> None:
    watcher = Driven(two_offers, ("a-1",))
    try:
        first = watcher.until(lambda done: done.built)
        assert _rebuilt(first) == {"a-1"}  # only the offer asked for
        assert not (two_offers / "out" / "a-2").exists()
        pdf = two_offers / "out" / "a-1" / "proposal.pdf"
        plain = pdf.read_bytes()
        style = two_offers / "templates" / "style.css"
        style.write_text(style.read_text("utf-8") + "\nbody { color: #ff0000; }\n", "utf-8")
        done = watcher.until(lambda done: "a-1" in _rebuilt(done))
        assert done.changed == ("templates/style.css",)
        assert pdf.read_bytes() != plain  # builds are deterministic: the new style shows
    finally:
        watcher.close()


def test_an_unknown_offer_is_refused_before_watching(two_offers: Path) -> None:
    result = run("-C", two_offers, "watch", "a-3")
    assert result.exit_code == 1
    assert "no offer 'a-3'" in result.output


def test_ctrl_c_stops_the_real_command_cleanly(two_offers: Path) -> None:
    command = [sys.executable, "-m", "offergen.cli", "-C", str(two_offers), "watch", "a-1"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    said: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: [said.put(line) for line in process.stdout])
    reader.start()
    lines = []
    deadline = time.monotonic() + WAIT
    while not any(line.startswith("done in") for line in lines):  # the first round is over
        assert time.monotonic() < deadline and process.poll() is None, lines
        with contextlib.suppress(queue.Empty):
            lines.append(said.get(timeout=0.1))
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=WAIT)
    reader.join(WAIT)
    assert process.stderr is not None
    err = process.stderr.read()
    process.stderr.close()
    process.stdout.close()
    assert code == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "rebuilt a-1: proposal.pdf, proposal.docx\n" in lines
    assert err.rstrip().endswith("stopped")
