"""Turn a validated workspace into the contexts of the documents an offer gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..render import DocumentMeta
from ..workspace import Workspace
from .proposal import proposal_context

ContextBuilder = Callable[[Workspace, str, dict[str, str]], tuple[dict[str, Any], DocumentMeta]]
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its name in out/, its two layouts and its context."""

    name: str
    context: ContextBuilder

    def template(self, fmt: str) -> str:
        return f"{self.name}.{'html' if fmt == 'pdf' else 'docx'}"


PROPOSAL = DocumentKind("proposal", proposal_context)


def documents_for(workspace: Workspace, offer_id: str) -> tuple[DocumentKind, ...]:
    """The documents an offer gets; every offer gets a proposal."""
    return (PROPOSAL,)
