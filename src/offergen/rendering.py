"""Turn one offer's view into document bytes: the part of a build that renders, shared by
the local pool (build.py), a Dask worker (distributed.py), the watcher, diff and
negotiate. Nothing here touches the disk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .documents import KINDS
from .documents.view import OfferView
from .render import DocumentMeta, Templates
from .workspace import Workspace

if TYPE_CHECKING:
    from .history import Revision


def render_document(
    workspace: Workspace,
    templates: Templates,
    offer_id: str,
    document: str,
    fmt: str,
    revision: Revision | None = None,
) -> bytes:
    """One document of an offer in one format."""
    view = resolve(workspace, templates, offer_id, revision)
    return render_formats(view, templates, document, [fmt])[0]


def resolve(
    workspace: Workspace, templates: Templates, offer_id: str, revision: Revision | None = None
) -> OfferView:
    """The view every document of one offer is built from, in the offer's language."""
    labels = templates.labels(workspace.settings(offer_id).locale)
    return OfferView.of(workspace, offer_id, labels, revision)


def render_formats(
    view: OfferView, templates: Templates, document: str, formats: Sequence[str]
) -> list[bytes]:
    """One document in several formats, from one context."""
    context, meta = KINDS[document].context(view)
    return render_context(templates, document, formats, context, meta)


def render_context(
    templates: Templates,
    document: str,
    formats: Sequence[str],
    context: dict[str, Any],
    meta: DocumentMeta,
) -> list[bytes]:
    """One document's context in several formats: all a render worker needs besides the
    templates (see distributed.py)."""
    from .render import render_docx, render_pdf  # a build with nothing stale loads neither

    kind = KINDS[document]
    return [
        (render_pdf if fmt == "pdf" else render_docx)(templates, kind.template(fmt), context, meta)
        for fmt in formats
    ]


def load_for_workers() -> None:
    """Load the renderers and the Russian dictionaries in this process before workers
    fork from it: they share these pages (about 55 MB) instead of each loading its own."""
    from . import grammar
    from .render import docx, pdf  # noqa: F401  (imported for their side: loaded)

    grammar.load()
