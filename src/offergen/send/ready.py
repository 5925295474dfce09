"""Turn an offer and its built documents into what may be sent, or a refusal saying why.

An offer goes out approved (or, with `--again`, sent before), with documents that are in
out/, unaltered, fresh, and built from committed inputs:
- fresh: the input hash its manifest records for each file equals the one a build would
  compute now (inputs.py), the version stamp included;
- committed: the working tree says what the commit of its version says (past.revisions),
  so that the version the documents carry names what the client gets.
A version already sent goes out again only with `--again`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..build import OUT_DIR
from ..documents import documents_for
from ..errors import OffergenError
from ..history import Repo, Revision
from ..inputs import InputHasher, sha256
from ..manifest import MANIFEST, read_manifest
from ..models import Offer
from ..models.mail import SentRecord
from ..past import stamps, uncommitted
from ..workspace import Workspace, offer_source

REBUILD = "run `offergen build {offer}`"


class NotSendable(OffergenError):
    """The offer, its documents or its recipients keep it from being sent; nothing was."""


@dataclass(frozen=True)
class Built:
    """One built file to attach: the document's name in offers, its format and bytes."""

    document: str
    fmt: str
    data: bytes

    @property
    def sha256(self) -> str:
        return sha256(self.data)


@dataclass(frozen=True)
class Ready:
    """An offer that may be sent: its version, the commit of it, and its built files."""

    offer_id: str
    offer: Offer
    revision: Revision
    stamp: str  # the full hash of the version's commit
    files: list[Built]


def ready(
    workspace: Workspace,
    offer_id: str,
    today: date,
    *,
    out_dir: Path | None = None,
    again: bool = False,
    formats: Sequence[str] = ("pdf",),
) -> Ready:
    """The offer and its files in `formats` if they may be sent; `NotSendable` if not."""
    offer = workspace.offer(offer_id)  # Blocked when problems stand in the way
    _check_status(offer, offer_id, again)
    valid_until = workspace.settings(offer_id).valid_until
    if valid_until < today:
        raise NotSendable(
            f"{offer_id}: expired on {valid_until}: set a new valid_until, have it approved "
            "again, build and commit"
        )
    repo, revision = _version(workspace, offer_id)
    files = _fresh_files(workspace, offer_id, revision, out_dir, formats)
    _check_repeat(offer, offer_id, revision, again)
    assert revision.commit is not None  # _version refuses an offer never committed
    stamp = repo.git("rev-parse", "--verify", f"{revision.commit}^{{commit}}").decode().strip()
    return Ready(offer_id, offer, revision, stamp, files)


def _check_status(offer: Offer, offer_id: str, again: bool) -> None:
    if offer.status == "approved":
        return
    if offer.status == "sent":
        if again:
            return
        raise NotSendable(
            f"{offer_id}: already sent ({_last_sent(offer)}): --again sends it once more"
        )
    raise NotSendable(
        f"{offer_id}: status is {offer.status}: only an approved offer is sent "
        f"(set status: approved in {offer_source(offer_id)} once it is reviewed)"
    )


def _last_sent(offer: Offer) -> str:
    return _described(offer.sent[-1]) if offer.sent else "status: sent"


def _described(record: SentRecord) -> str:
    when = record.date.strftime("%Y-%m-%d %H:%M %Z").strip()
    return f"version {record.version} on {when} to {', '.join(record.to)}"


def _version(workspace: Workspace, offer_id: str) -> tuple[Repo, Revision]:
    """The offer's version in git; refused outside git, in a shallow clone, or when the
    working tree says something no commit does."""
    found = stamps(workspace, [offer_id])
    repo = Repo.find(workspace.root)
    revision = found.revisions.get(offer_id)
    if repo is None or revision is None:
        why = found.notices[0] if found.notices else "the workspace is not in a git repository"
        raise NotSendable(f"{offer_id}: {why}: a send records the version sent, which git keeps")
    if revision.commit is None:
        raise NotSendable(
            f"{offer_id}: no version of it is committed: commit {offer_source(offer_id)} "
            f"(and what it uses), {REBUILD.format(offer=offer_id)}, then send"
        )
    if revision.dirty:
        files = ", ".join(uncommitted(repo, workspace, offer_id)) or offer_source(offer_id)
        raise NotSendable(
            f"{offer_id}: uncommitted changes to {files} change what its documents say: "
            "commit them, "
            f"{REBUILD.format(offer=offer_id)}, then send (the documents must carry the "
            "version the client gets)"
        )
    return repo, revision


def _fresh_files(
    workspace: Workspace,
    offer_id: str,
    revision: Revision,
    out_dir: Path | None,
    formats: Sequence[str],
) -> list[Built]:
    folder = (out_dir or workspace.root / OUT_DIR) / offer_id
    rebuild = REBUILD.format(offer=offer_id)
    broken = workspace.blocked_documents(offer_id)
    if broken:
        name, problems = next(iter(broken.items()))
        raise NotSendable(f"{offer_id}: its {name} cannot be built: {problems[0]}")
    recorded = read_manifest(folder).get("documents", {})
    if not recorded:
        raise NotSendable(f"{offer_id}: nothing built in {folder} (no {MANIFEST}): {rebuild}")
    hasher = InputHasher(workspace, {offer_id: revision})
    files = []
    for kind in documents_for(workspace, offer_id):
        for fmt in formats:
            name = f"{kind.file_stem}.{fmt}"
            entry, path = recorded.get(name), folder / name
            if entry is None or not path.is_file() or path.is_symlink():
                raise NotSendable(f"{offer_id}: {name} is not built: {rebuild}")
            if entry.get("inputs") != hasher.document_hash(offer_id, kind.name, fmt):
                raise NotSendable(
                    f"{offer_id}: {name} is stale: what it is built from has changed since "
                    f"(the offer, its client, the seller, the catalog, the templates or its "
                    f"version): {rebuild}"
                )
            data = path.read_bytes()
            if entry.get("sha256") != sha256(data):
                raise NotSendable(
                    f"{offer_id}: {name} was altered after the build (its hash differs from "
                    f"{MANIFEST}): {rebuild}"
                )
            files.append(Built(kind.name, fmt, data))
    return files


def _check_repeat(offer: Offer, offer_id: str, revision: Revision, again: bool) -> None:
    assert revision.commit is not None
    for record in reversed(offer.sent):
        if record.version == revision.version and record.stamp.startswith(revision.commit):
            if again:
                return
            raise NotSendable(
                f"{offer_id}: this version was already sent ({_described(record)}): "
                "--again sends it once more"
            )
