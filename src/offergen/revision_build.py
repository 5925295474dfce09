"""Turn a commit into the documents its offers had: built from git, not from the working
tree, into out/<offer-id>@<short-hash>/, the same bytes a checkout of it would build."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .build import OUT_DIR, BuildReport, OnOffer, Renderer, build
from .documents import FORMATS
from .lock import locked
from .write import make_output_root


@dataclass
class RevisionBuild:
    """What `build_revision` made: the build's report and each offer's folder."""

    report: BuildReport
    commit: str
    folders: dict[str, Path]


def build_revision(
    root: Path,
    rev: str,
    offer_ids: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    out_dir: Path | None = None,
    *,
    jobs: int = 1,
    lock_timeout: float = 600.0,
    on_offer: OnOffer | None = None,
    renderer: Renderer | None = None,
) -> RevisionBuild:
    """Build offers as the workspace stood at commit `rev`, read from git, not from the
    working tree, into out/<offer-id>@<short-hash>/: the same bytes a checkout of `rev`
    would build."""
    from .history import SHORT, Repo, no_repository
    from .past import load_at

    repo = Repo.find(root)
    if repo is None:
        raise no_repository(root)
    repo.require_history()
    sha = repo.resolve(rev)
    target = (out_dir or root / OUT_DIR).resolve()
    make_output_root(target)
    with tempfile.TemporaryDirectory(prefix=".offergen-rev-", dir=target) as scratch:
        workspace, versions = load_at(repo, sha, Path(scratch) / "workspace", offer_ids or ())
        staged = Path(scratch) / OUT_DIR
        report = build(
            workspace,
            offer_ids,
            formats,
            staged,
            jobs=jobs,
            force=True,
            on_offer=on_offer,
            revisions=versions,
            renderer=renderer,
        )
        folders = {}
        with locked(target, lock_timeout) as lock:
            report.notes += lock.notes
            for result in report.results:
                if result.error is None:
                    folder = target / f"{result.offer_id}@{sha[:SHORT]}"
                    _replace_folder(staged / result.offer_id, folder)
                    folders[result.offer_id] = folder
    return RevisionBuild(report, sha, folders)


def _replace_folder(source: Path, folder: Path) -> None:
    """Put `source` where `folder` is, so that no reader sees half of either."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    source.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
