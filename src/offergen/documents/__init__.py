"""Turn a validated workspace into the contexts of the documents an offer gets."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..clauses import ClauseError
from ..errors import Problem, ValidationFailed
from ..render import DocumentMeta, Templates
from ..workspace import Workspace
from .contract import contract_context, contract_sections
from .disagreements import disagreements_context
from .discount_scheme import discount_scheme_context
from .proposal import proposal_context
from .text import Text

ContextBuilder = Callable[[Workspace, str, dict[str, str]], tuple[dict[str, Any], DocumentMeta]]
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


def check_documents(workspace: Workspace, offer_ids: Iterable[str] | None = None) -> None:
    """Build every document's context before anything renders; raise located problems.

    Clause conditions and texts are templates of legal's library: whether they evaluate
    for one offer is only known with that offer's data.
    """
    templates = Templates(workspace.templates_dir)
    problems: set[Problem] = set()
    for offer_id in sorted(workspace.offers) if offer_ids is None else offer_ids:
        offer = workspace.offer(offer_id)
        if offer.contract is None:
            continue
        locale = workspace.settings(offer_id).locale
        text = Text(templates.labels(locale), locale, workspace.price(offer_id).currency)
        try:
            contract_sections(workspace, offer_id, text)
        except ClauseError as error:
            loaded = workspace.clause_library(offer.contract.type)
            problems.add(error.problem(loaded, locale))
    if problems:
        raise ValidationFailed(problems)
