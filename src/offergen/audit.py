"""Turn the built folders in out/ into a verdict per PDF and DOCX pair: the same words,
different words, a file that cannot be read, nothing built, or an offer that problems
block."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .build import OUT_DIR
from .verify import Unreadable, compare, pairs
from .workspace import Workspace

REBUILD = "; offergen build makes it again"


@dataclass(frozen=True)
class Verdict:
    """One pair's (or one offer's) verdict: same, DIFFERENT, UNREADABLE, MISSING or
    INVALID."""

    offer_id: str
    stem: str  # the document's file stem; "" for a verdict on the whole offer
    state: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "same"

    def __str__(self) -> str:
        where = f"{self.offer_id}/{self.stem}" if self.stem else self.offer_id
        return f"{self.state} {where}" + (f": {self.detail}" if self.detail else "")


def verify_outputs(
    workspace: Workspace, offer_ids: Sequence[str] = (), out_dir: Path | None = None
) -> Iterator[Verdict]:
    """Compare every built pair of the offers named (every offer by default)."""
    target = out_dir or workspace.root / OUT_DIR
    ids = list(dict.fromkeys(offer_ids)) or workspace.offer_ids
    for offer_id in ids:
        workspace.known(offer_id)
    blocked = workspace.blocked
    for offer_id in ids:
        if offer_id in blocked:
            yield Verdict(offer_id, "", "INVALID", f"{blocked[offer_id][0]} (offergen check)")
            continue
        yield from _verify_offer(workspace, offer_id, target / offer_id)


def _verify_offer(workspace: Workspace, offer_id: str, folder: Path) -> Iterator[Verdict]:
    labels = workspace.templates.labels(workspace.settings(offer_id).locale)
    try:
        stems = pairs(p.name for p in folder.iterdir()) if folder.is_dir() else []
    except OSError as error:
        yield Verdict(offer_id, "", "UNREADABLE", f"cannot list {folder}: {error.strerror}")
        return
    if not stems:
        yield Verdict(offer_id, "", "MISSING", f"nothing built in {folder} (run offergen build)")
    for stem in stems:
        yield _verify_pair(offer_id, folder, stem, labels)


def _verify_pair(offer_id: str, folder: Path, stem: str, labels: dict[str, str]) -> Verdict:
    name = f"{stem}.pdf"
    try:
        pdf = (folder / name).read_bytes()
        name = f"{stem}.docx"
        docx = (folder / name).read_bytes()
        difference = compare(pdf, docx, labels["page"], labels["page_of"])
    except OSError as error:
        return Verdict(offer_id, stem, "UNREADABLE", f"{name}: {error.strerror}{REBUILD}")
    except Unreadable as error:
        return Verdict(offer_id, stem, "UNREADABLE", f"{stem}.{error.kind}: {error}{REBUILD}")
    if difference is None:
        return Verdict(offer_id, stem, "same")
    return Verdict(offer_id, stem, "DIFFERENT", str(difference))
