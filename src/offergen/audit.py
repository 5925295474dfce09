"""Turn the built folders in out/ into a verdict per PDF and DOCX pair: the same words,
different words, nothing built, or an offer that problems block."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .build import OUT_DIR
from .verify import compare, pairs
from .workspace import Workspace


@dataclass(frozen=True)
class Verdict:
    """One pair's (or one offer's) verdict: same, DIFFERENT, MISSING or INVALID."""

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
    stems = pairs(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if not stems:
        yield Verdict(offer_id, "", "MISSING", f"nothing built in {folder} (run offergen build)")
    for stem in stems:
        pdf, docx = (folder / f"{stem}.pdf").read_bytes(), (folder / f"{stem}.docx").read_bytes()
        difference = compare(pdf, docx, labels["page"], labels["page_of"])
        if difference is None:
            yield Verdict(offer_id, stem, "same")
        else:
            yield Verdict(offer_id, stem, "DIFFERENT", str(difference))
