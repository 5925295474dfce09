"""One build at a time on an out/ folder, and a killed build never blocks the next: its
workers die with it, none of them holds the lock, and a lock whose holder is gone is
taken over at once."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from offergen.lock import LOCK_FILE

from .conftest import ROOT, copy_workspace, run

OFFERGEN = Path(sys.executable).with_name("offergen")  # the venv's, as a user runs it


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def _twelve_offers(root: Path) -> Path:
    workspace = copy_workspace(ROOT, root)
    for offer in sorted((workspace / "offers").glob("*.yaml")):
        text = offer.read_text(encoding="utf-8")
        number = re.search(r"^number: (.+)$", text, re.MULTILINE)
        assert number is not None
        copy = text.replace(number.group(0), f"number: {number.group(1)}-2", 1)
        offer.with_name(f"{offer.stem}-2.yaml").write_text(copy, encoding="utf-8")
    return workspace


def _mentioning(workspace: Path) -> list[str]:
    """The command lines of running processes that name the workspace (forked workers
    keep their parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if str(workspace) in cmdline and state != "Z":
            found.append(f"{entry.name}: {cmdline}")
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_a_build_killed_while_rendering_leaves_nothing_that_blocks_the_next(
    tmp_path: Path,
) -> None:
    workspace = _twelve_offers(tmp_path / "ws")
    out = workspace / "out"
    with open(tmp_path / "first.log", "wb") as log:
        first = subprocess.Popen(
            [OFFERGEN, "-C", workspace, "build", "--jobs", "2"], stdout=log, stderr=log
        )
    deadline = time.monotonic() + 60
    while not any(out.glob("*/*")):  # the first offer written: the workers are rendering
        assert first.poll() is None, "the first build ended before it could be killed"
        assert time.monotonic() < deadline, "the first build never wrote anything"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()

    grace = time.monotonic() + 5
    while _mentioning(workspace) and time.monotonic() < grace:
        time.sleep(0.1)
    assert _mentioning(workspace) == []  # no worker outlived its parent

    # --lock-timeout 0: a lock still held would be refused at once, so the build passing
    # proves it took the dead build's lock over without waiting (no clock involved).
    second = subprocess.run(
        [OFFERGEN, "-C", workspace, "build", "--lock-timeout", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert f"note: took over the lock of build pid {first.pid}, which is gone" in second.stderr
    assert re.search(
        r"^\d+ documents built, \d+ up to date, 0 offers failed, 12 offers",
        second.stdout,
        re.MULTILINE,
    )
    files = [path for path in out.rglob("*") if path.is_file()]
    assert not [path.name for path in files if path.name.endswith(".tmp")]
    for path in files:
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1, path
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
    assert len([path for path in files if path.name == "manifest.json"]) == 12
    assert _mentioning(workspace) == []


def test_a_lock_left_by_a_build_that_is_gone_is_taken_over_at_once(scratch: Path) -> None:
    out = scratch / "out"
    out.mkdir()
    gone = _dead_pid()
    (out / LOCK_FILE).write_text(f"{gone}\n", encoding="utf-8")
    result = run("-C", scratch, "build", "--format", "docx", "--lock-timeout", "30")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"note: took over the lock of build pid {gone}, which is gone\n"
    assert (out / LOCK_FILE).read_text(encoding="utf-8") == ""  # released cleanly


def test_a_lock_still_held_by_what_a_gone_build_left_is_taken_over(scratch: Path) -> None:
    """An offergen from before this rule let its workers inherit the lock: they hold it
    after their parent is killed, and the lock file names the dead parent."""
    out = scratch / "out"
    out.mkdir()
    gone = _dead_pid()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"lock = open({str(out / LOCK_FILE)!r}, 'a+')\n"
            "fcntl.flock(lock, fcntl.LOCK_EX)\n"
            f"lock.truncate(0); lock.write('{gone}'); lock.flush()\n"
            "print('held', flush=True); time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        result = run("-C", scratch, "build", "--format", "docx", "--lock-timeout", "30")
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert result.exit_code == 0, result.output
    assert result.stderr == f"note: took over the lock of build pid {gone}, which is gone\n"
    assert (out / "a-1" / "proposal.docx").is_file()


def test_a_running_build_is_waited_for_not_taken_over(scratch: Path) -> None:
    out = scratch / "out"
    out.mkdir()
    with open(out / LOCK_FILE, "a+", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write(f"{os.getpid()}")  # alive: this process
        lock.flush()
        started = time.monotonic()
        result = run("-C", scratch, "build", "--lock-timeout", "0.5")
        waited = time.monotonic() - started
    assert result.exit_code == 1
    assert waited >= 0.5
    assert "another offergen build (pid" in result.stderr


def test_a_forked_child_keeps_no_lock_when_its_parent_is_killed(tmp_path: Path) -> None:
    """flock belongs to the open file, which fork shares: without letting go in the
    child, a child outliving its killed parent would hold the lock."""
    script = (
        "import os, signal, time\n"
        "from pathlib import Path\n"
        "from offergen.lock import locked\n"
        f"with locked(Path({str(tmp_path)!r}), 0):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        f"    Path({str(tmp_path / 'child')!r}).write_text(str(child))\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=30, check=False)
    child = int((tmp_path / "child").read_text())
    try:
        assert done.returncode == -signal.SIGKILL
        assert Path(f"/proc/{child}").exists()  # the child lives on...
        with open(tmp_path / LOCK_FILE, "a+") as other:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # ...and holds nothing
    finally:
        os.kill(child, signal.SIGKILL)
