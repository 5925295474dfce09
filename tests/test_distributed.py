"""Builds on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1, started here, each worker in its own folder and, where the system allows it,
with the test workspaces hidden from it (an empty tmpfs over their folder)."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tools.bench import make_workspace

from offergen.build import BuildReport, OfferResult, build
from offergen.cli import cli
from offergen.validate import load_workspace

from .conftest import DATA, ROOT, copy_workspace, run, skip_outside_ci

pytestmark = pytest.mark.distributed

WAIT = 120.0  # seconds: generous, for a loaded machine; nothing is timed against it
CACHE = "offergen-templates"
# A worker started in its own mount namespace, with an empty tmpfs over the workspaces.
UNSHARE = ("unshare", "--mount", "--map-root-user")
HIDE = 'mount -t tmpfs offergen-hidden "$0" && exec "$@"'


@dataclass
class Cluster:
    address: str
    client: Any  # distributed.Client of the tests, to watch the workers
    workspaces: Path  # the folder for test workspaces
    hidden: bool  # the workers see an empty folder in its place

    def ready(self) -> None:
        """Both workers are there (a killed one has been restarted by its nanny)."""
        self.client.wait_for_workers(2, timeout=WAIT)

    def worker_pids(self) -> dict[str, int]:
        return dict(self.client.run(os.getpid))

    def kill_a_busy_worker(self) -> tuple[int, int]:
        """SIGKILL a worker that is rendering: its pid and how many tasks it held."""
        processing = self.client.processing()
        busy = max(processing, key=lambda address: len(processing[address]))
        pid = self.worker_pids()[busy]
        os.kill(pid, signal.SIGKILL)
        return pid, len(processing[busy])

    def unpacked(self) -> list[list[str]]:
        """The template bundles each worker has unpacked into its own folder."""

        def listing(dask_worker: Any) -> list[str]:
            folder = Path(dask_worker.local_directory) / CACHE
            return sorted(os.listdir(folder)) if folder.is_dir() else []

        return list(self.client.run(listing).values())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _can_hide(folder: Path) -> bool:
    """Whether a process can be given an empty folder in place of `folder`."""
    if not shutil.which("unshare"):
        return False
    probe = [*UNSHARE, "mount", "-t", "tmpfs", "none", folder]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    try:
        from distributed import Client
    except ImportError:
        skip_outside_ci("Dask is not installed (pip install 'offergen[dask]')")
    dask = Path(sys.executable).parent / "dask"
    base = tmp_path_factory.mktemp("cluster")
    workspaces = tmp_path_factory.mktemp("workspaces")
    hidden = _can_hide(workspaces)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, *command: str | Path) -> None:
        folder = base / name
        folder.mkdir()
        with open(folder / "log", "wb") as log:
            started.append(
                subprocess.Popen(
                    [str(part) for part in command], cwd=folder, stdout=log, stderr=log
                )
            )

    hide = [*UNSHARE, "--", "sh", "-c", HIDE, workspaces] if hidden else []
    client = None
    try:
        start("scheduler", dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
              "--no-dashboard")  # fmt: skip
        for n in (1, 2):
            start(f"worker-{n}", *hide, dask, "worker", address, "--nthreads", "1",
                  "--nworkers", "1", "--no-dashboard",
                  "--local-directory", base / f"worker-{n}")  # fmt: skip
        client = Client(address, timeout=WAIT, set_as_default=False)
        found = Cluster(address, client, workspaces, hidden)
        found.ready()
        yield found
    finally:
        if client is not None:
            client.close()
        for process in reversed(started):  # the workers first, then the scheduler
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _hashes(out: Path) -> dict[str, str]:
    """sha256 of every file under out/; what records when a build ran (two local builds
    differ in it as well) is left out before hashing: a manifest's `built_at` and each
    document's `mtime_ns`, and the no-op plan cache, which names the moment it was saved."""
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name == "manifest.json":
            manifest = json.loads(data)
            assert manifest.pop("built_at")
            for entry in manifest["documents"].values():
                assert entry.pop("mtime_ns")
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        elif path.parent.name == ".offergen-cache":
            continue  # written after a build that loaded the workspace, with its moment
        found[str(path.relative_to(out))] = hashlib.sha256(data).hexdigest()
    return found


def _documents(hashes: dict[str, str]) -> list[str]:
    return [name for name in hashes if name.endswith((".pdf", ".docx"))]


def _progress(stdout: str) -> list[str]:
    """The progress lines of a build, `[3/6] ` left out, in order of their offers."""
    return sorted(line.split("] ", 1)[1] for line in stdout.splitlines() if line.startswith("["))


@pytest.fixture(scope="module")
def forty(cluster: Cluster) -> Path:
    """The benchmark's synthetic workspace of 40 offers, its layouts changed so that no
    templates folder a worker could find on this machine renders it alike, built locally
    into local/."""
    workspace = cluster.workspaces / "forty"
    workspace.mkdir()
    make_workspace(workspace, 40)
    style = workspace / "templates" / "style.css"
    style.write_text(style.read_text("utf-8") + "\nh1 { color: #7a1f1f; }\n", "utf-8")
    local = run("-C", workspace, "build", "--jobs", "2", "--out", workspace / "local")
    assert local.exit_code == 0, local.output
    assert len(_documents(_hashes(workspace / "local"))) == 240
    return workspace


def test_the_example_builds_the_same_bytes_on_the_cluster(cluster: Cluster) -> None:
    workspace = copy_workspace(ROOT, cluster.workspaces / "example")
    local = run("-C", workspace, "build", "--jobs", "2", "--out", workspace / "local")
    assert local.exit_code == 0, local.output
    cluster.ready()
    distributed = CliRunner().invoke(
        cli,
        ["-C", str(workspace), "build", "--out", str(workspace / "dist")],
        env={"OFFERGEN_SCHEDULER": cluster.address},
        catch_exceptions=False,
    )
    assert distributed.exit_code == 0, distributed.output
    # Progress and the summary read as locally (but for the order and the seconds).
    assert _progress(distributed.stdout) == _progress(local.stdout)
    summary = distributed.stdout.splitlines()[-1]
    assert summary.startswith("26 documents built, 0 up to date, 0 offers failed, 6 offers in ")
    built = _hashes(workspace / "dist")
    assert built == _hashes(workspace / "local")
    assert len(_documents(built)) == 26 and len(built) == 26 + 6 + 1  # manifests, the lock


def test_forty_offers_the_workers_cannot_see_build_alike(cluster: Cluster, forty: Path) -> None:
    if not cluster.hidden:
        skip_outside_ci("cannot hide the workspaces from the workers (unshare --mount)")
    cluster.ready()
    distributed = run("-C", forty, "build", "--scheduler", cluster.address, "--out", forty / "dist")
    assert distributed.exit_code == 0, distributed.output
    assert _hashes(forty / "dist") == _hashes(forty / "local")
    # Each worker rendered with the templates it was sent and unpacked under their hash.
    from offergen.distributed import pack

    digest = pack(forty / "templates").digest
    unpacked = cluster.unpacked()
    assert len(unpacked) == 2 and all(digest in bundles for bundles in unpacked)


def test_a_worker_killed_mid_build_changes_nothing(cluster: Cluster, forty: Path) -> None:
    from offergen.distributed import on_cluster

    cluster.ready()
    killed: list[tuple[int, int]] = []

    def kill_one(result: OfferResult, done: int, total: int) -> None:
        if not killed:  # once the first result is written
            killed.append(cluster.kill_a_busy_worker())

    with on_cluster(cluster.address, jobs=2, connect_timeout=WAIT) as renderer:
        report = build(
            load_workspace(forty), out_dir=forty / "killed", on_offer=kill_one, renderer=renderer
        )
    [(pid, tasks)] = killed
    assert tasks > 0  # it died with work the scheduler had to give to another worker
    assert [result.error for result in report.failed] == []
    assert report.documents_built == 240
    assert _hashes(forty / "killed") == _hashes(forty / "local")
    cluster.ready()  # its nanny started a new worker in its place
    assert pid not in cluster.worker_pids().values()


def _proposal_fails_for(workspace: Path, number: str) -> None:
    html = workspace / "templates" / "proposal.html"
    html.write_text(
        html.read_text("utf-8").replace(
            "{% block content %}",
            f"{{% block content %}}{{% if number == '{number}' %}}{{{{ undefined_name }}}}"
            "{% endif %}",
        ),
        "utf-8",
    )


def test_a_render_failure_fails_its_offer_only_as_locally(cluster: Cluster) -> None:
    workspace = copy_workspace(ROOT, cluster.workspaces / "failing")
    _proposal_fails_for(workspace, "КП-2026-0004")
    local = run("-C", workspace, "build", "--jobs", "2", "--out", workspace / "local")
    cluster.ready()
    distributed = run(
        "-C", workspace, "build", "--scheduler", cluster.address, "--out", workspace / "dist"
    )
    assert local.exit_code == distributed.exit_code == 1
    assert _progress(distributed.stdout) == _progress(local.stdout)
    assert "FAILED tula-2026-004" in _progress(distributed.stdout)
    assert "tula-2026-004: proposal.html: UndefinedError: 'undefined_name' is undefined" in (
        distributed.stderr
    )
    assert distributed.stdout.splitlines()[-1].startswith(
        "24 documents built, 0 up to date, 1 offer failed, 6 offers in "
    )
    assert _hashes(workspace / "dist") == _hashes(workspace / "local")
    assert not (workspace / "dist" / "tula-2026-004").exists()


def _summaries(report: BuildReport) -> list[tuple[str, str | None, list[str]]]:
    return [
        (result.offer_id, result.error, [path.name for path in result.written])
        for result in report.results
    ]


def test_a_template_gone_after_check_reads_as_locally(cluster: Cluster) -> None:
    from offergen.distributed import on_cluster

    workspace = copy_workspace(DATA / "minimal", cluster.workspaces / "gone")
    loaded = load_workspace(workspace)  # checked while the template was there
    (workspace / "templates" / "proposal.docx").unlink()
    local = build(loaded, formats=["docx"], out_dir=workspace / "local", jobs=1)
    cluster.ready()
    with on_cluster(cluster.address, jobs=2, connect_timeout=WAIT) as renderer:
        remote = build(loaded, formats=["docx"], out_dir=workspace / "dist", renderer=renderer)
    assert _summaries(remote) == _summaries(local)
    templates = (workspace / "templates").resolve()
    assert {result.error for result in remote.results} == {
        f"proposal.docx: not found in {templates}"
    }


def test_an_unreachable_scheduler_fails_within_the_timeout(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    assert run("-C", workspace, "build", "--jobs", "1").exit_code == 0
    before = _hashes(workspace / "out")
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    started = time.monotonic()
    result = run(
        "-C", workspace, "build", "--force", "--scheduler", address, "--connect-timeout", "2"
    )
    assert time.monotonic() - started < 2 + 20  # the timeout, and a margin for a busy host
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: cannot reach the Dask scheduler at {address} within 2 s ("
    )
    assert result.stdout == ""
    assert _hashes(workspace / "out") == before  # no manifest changed, nothing half-way
    again = run("-C", workspace, "build", "--jobs", "1", "--lock-timeout", "0")
    assert again.exit_code == 0, again.output  # the lock is free


def test_a_local_cluster_to_try_it_out(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    local = run("-C", workspace, "build", "--jobs", "1", "--out", tmp_path / "local")
    assert local.exit_code == 0, local.output
    tried = run(
        "-C", workspace, "build", "--scheduler", "local", "-j", "2", "--out", tmp_path / "dist"
    )
    assert tried.exit_code == 0, tried.output
    assert _hashes(tmp_path / "dist") == _hashes(tmp_path / "local")


def test_without_dask_the_scheduler_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    result = run("-C", workspace, "build", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --scheduler needs Dask, here and on every worker: pip install 'offergen[dask]'\n"
    )
    assert not (workspace / "out").exists()


def test_templates_travel_as_one_archive_named_by_its_contents(tmp_path: Path) -> None:
    from offergen.distributed import pack, unpack

    templates = copy_workspace(DATA / "minimal", tmp_path / "ws") / "templates"
    (tmp_path / "secret.txt").write_text("not a template", "utf-8")
    (templates / "secret.txt").symlink_to(tmp_path / "secret.txt")  # leads outside
    (templates / "fonts-again").symlink_to(templates / "fonts")  # inside: followed
    (templates / "fonts" / "loop").symlink_to(templates)  # back up: a loop, not followed
    first, second = pack(templates), pack(templates)
    assert first == second  # the same contents, the same bytes and name
    assert first.digest == hashlib.sha256(first.data).hexdigest()
    folder = unpack(first.data, first.digest, tmp_path / "cache")
    assert folder == tmp_path / "cache" / first.digest
    assert not (folder / "secret.txt").exists()
    assert (folder / "fonts-again" / "LICENSE").read_bytes() == (
        templates / "fonts" / "LICENSE"
    ).read_bytes()
    unpacked = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    expected = sorted(
        str(p.relative_to(templates))
        for p in templates.rglob("*")
        if p.is_file() and p.name != "secret.txt"
    )
    assert unpacked == sorted([*expected, "fonts-again/DejaVuSans-Bold.ttf", "fonts-again/LICENSE"])
    (templates / "style.css").write_text("h1 { color: red; }\n", "utf-8")
    assert pack(templates).digest != first.digest


def test_a_worker_with_other_renderers_refuses_to_render() -> None:
    from offergen.distributed import render_on_worker
    from offergen.inputs import renderer_versions
    from offergen.render import DocumentMeta

    meta = DocumentMeta("t", "a", "s", "ru", datetime.date(2026, 12, 1))
    versions = {**renderer_versions(), "weasyprint": "0.1"}
    made = render_on_worker(b"", "0" * 64, "proposal", ["pdf"], {}, meta, versions)
    mine = renderer_versions()["weasyprint"]
    assert made == (
        f"a worker runs other versions than this build: weasyprint {mine} (the build's: 0.1);"
        " install the same ones there (pip install 'offergen[dask]')"
    )
