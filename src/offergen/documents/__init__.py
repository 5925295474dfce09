"""Turn a validated workspace into the contexts of the documents an offer gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..clauses import ClauseError
from ..errors import Problem, RenderError
from ..render import DocumentMeta
from ..workspace import Workspace
from .contract import contract_context, contract_sections
from .disagreements import disagreements_context
from .discount_scheme import discount_scheme_context
from .proposal import proposal_context
from .view import OfferView

ContextBuilder = Callable[[OfferView], tuple[dict[str, Any], DocumentMeta]]
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its name in offers, its file name in out/, and its context."""

    name: str
    file_stem: str
    context: ContextBuilder

    def template(self, fmt: str) -> str:
        return f"{self.name}.{'html' if fmt == 'pdf' else 'docx'}"


KINDS = {
    kind.name: kind
    for kind in (
        DocumentKind("proposal", "proposal", proposal_context),
        DocumentKind("discount_scheme", "discount-scheme", discount_scheme_context),
        DocumentKind("contract", "contract", contract_context),
        DocumentKind("disagreements", "disagreements", disagreements_context),
    )
}


def documents_for(workspace: Workspace, offer_id: str) -> tuple[DocumentKind, ...]:
    """The documents an offer gets, in a fixed order."""
    return tuple(KINDS[name] for name in workspace.document_names(offer_id))


def contract_problems(workspace: Workspace, offer_id: str) -> list[Problem]:
    """Arrange the offer's contract, if it has one: a clause whose condition or text fails
    for this offer's data is a problem located in the clause library."""
    offer = workspace.offer(offer_id)
    if offer.contract is None:
        return []
    locale = workspace.settings(offer_id).locale
    try:
        labels = workspace.templates.labels(locale)
    except RenderError:
        return []  # the labels' own problems block the offer already
    try:
        contract_sections(OfferView.of(workspace, offer_id, labels))
    except ClauseError as error:
        return [error.problem(workspace.clause_library(offer.contract.type), locale)]
    return []
