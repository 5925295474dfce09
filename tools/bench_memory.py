"""Turn a running build into each worker's peak memory, and find LibreOffice for the
PDF comparison (installing it when the benchmark runs as root).

A worker's memory is read from Linux's /proc while the build runs (every 50 ms):
- peak RSS: the kernel's own high-water mark (VmHWM). It counts in full every page the
  worker shares with its parent, which forked it with the workspace, the renderers and
  the dictionaries loaded;
- peak PSS: the pages the worker alone holds plus its share of those it shares (a page
  shared by three processes counts a third). The PSS of all processes adds up to the
  memory the build takes, which is why the target is judged on it;
- peak USS: the pages the worker alone holds: what one more worker costs.
PSS and USS have no kernel high-water mark; sampled, they may miss a peak shorter than
the interval.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIB = 1024.0  # /proc reports kB
TARGET_MIB = 120.0


@dataclass
class WorkerPeak:
    pid: int
    rss_mib: float
    pss_mib: float
    uss_mib: float
    samples: int = 0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):  # it has just ended
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _fields(path: Path) -> dict[str, float]:
    fields = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition(":")
        parts = value.split()
        if parts and parts[0].isdigit():
            fields[key] = int(parts[0]) / MIB
    return fields


class MemorySampler(threading.Thread):
    """While in its `with` block, samples the processes that the children of this
    process fork and that run the same program as their parent: a build's workers."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peaks: dict[int, WorkerPeak] = {}
        self._done = threading.Event()

    def __enter__(self) -> MemorySampler:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            for build in _children(os.getpid()):
                for worker in _children(build):
                    self._sample(build, worker)

    def _sample(self, build: int, worker: int) -> None:
        try:
            if os.readlink(f"/proc/{worker}/exe") != os.readlink(f"/proc/{build}/exe"):
                return  # a program it runs (git, fc-list), not a worker
            status = _fields(Path(f"/proc/{worker}/status"))
            rollup = _fields(Path(f"/proc/{worker}/smaps_rollup"))
        except OSError:
            return  # it has just ended
        peak = self.peaks.setdefault(worker, WorkerPeak(worker, 0.0, 0.0, 0.0))
        peak.rss_mib = max(peak.rss_mib, status.get("VmHWM", 0.0))
        peak.pss_mib = max(peak.pss_mib, rollup.get("Pss", 0.0))
        private = rollup.get("Private_Clean", 0.0) + rollup.get("Private_Dirty", 0.0)
        peak.uss_mib = max(peak.uss_mib, private)
        peak.samples += 1

    def report(self) -> dict[str, Any]:
        # A worker seen once or twice is a fork on its way to run another program.
        workers = [p for p in self.peaks.values() if p.samples >= 3]
        if not workers:
            return {"workers": [], "note": "no worker seen (needs Linux's /proc and --jobs > 1)"}
        pss = max(p.pss_mib for p in workers)
        return {
            "workers": [vars(p) for p in sorted(workers, key=lambda p: p.pid)],
            "peak_pss_mib": round(pss, 1),
            "peak_uss_mib": round(max(p.uss_mib for p in workers), 1),
            "peak_rss_mib": round(max(p.rss_mib for p in workers), 1),
            "target_mib": TARGET_MIB,
            "verdict": "PASS" if pss <= TARGET_MIB else "MISS",
        }


def libreoffice() -> tuple[str | None, str]:
    """The soffice program, installed first when this runs as root with apt-get; else
    None and why LibreOffice cannot be measured."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found, ""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None, "not installed (as root: apt-get install libreoffice-writer-nogui)"
    print("installing libreoffice-writer-nogui for the PDF comparison …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"]
    for command in (
        [*install, "libreoffice-writer-nogui"],
        ["apt-get", "update", "-qq"],
        [*install, "libreoffice-writer-nogui"],
    ):
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        found = shutil.which("soffice")
        if found:
            return found, ""
    return None, f"could not install libreoffice-writer-nogui ({done.returncode})"
