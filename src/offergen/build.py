"""Turn a validated workspace into documents in out/: render in memory, then write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .documents import FORMATS, documents_for
from .errors import OffergenError
from .render import Templates, render_docx, render_pdf
from .workspace import Workspace
from .write import write_offer

OUT_DIR = "out"


@dataclass
class OfferResult:
    offer_id: str
    written: list[Path] = field(default_factory=list)
    error: str | None = None


@dataclass
class BuildReport:
    results: list[OfferResult]

    @property
    def failed(self) -> list[OfferResult]:
        return [result for result in self.results if result.error is not None]


def render_offer(
    workspace: Workspace, templates: Templates, offer_id: str, formats: Sequence[str] = FORMATS
) -> dict[str, bytes]:
    """Every document of one offer as `{file name: bytes}`; nothing touches the disk."""
    locale = workspace.settings(offer_id).locale
    labels = templates.labels(locale)
    files: dict[str, bytes] = {}
    for kind in documents_for(workspace, offer_id):
        context, meta = kind.context(workspace, offer_id, labels)
        if "pdf" in formats:
            files[f"{kind.file_stem}.pdf"] = render_pdf(
                templates, kind.template("pdf"), context, meta
            )
        if "docx" in formats:
            files[f"{kind.file_stem}.docx"] = render_docx(
                templates, kind.template("docx"), context, meta
            )
    return files


def build(
    workspace: Workspace,
    offer_ids: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    out_dir: Path | None = None,
) -> BuildReport:
    """Render and write the offers named (all by default); an offer that fails to render
    keeps its previous files and does not stop the others."""
    ids = list(offer_ids) if offer_ids else sorted(workspace.offers)
    for offer_id in ids:
        workspace.offer(offer_id)  # unknown ids fail before anything is rendered
    templates = Templates(workspace.templates_dir)
    target = out_dir or workspace.root / OUT_DIR
    results = []
    for offer_id in ids:
        result = OfferResult(offer_id)
        try:
            files = render_offer(workspace, templates, offer_id, formats)
            result.written = write_offer(target, offer_id, files)
        except OffergenError as error:
            result.error = str(error)
        results.append(result)
    return BuildReport(results)
