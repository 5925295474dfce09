"""Turn what shaped a document into one hash: a document is stale when its hash changes.

A document's inputs are its offer, its client, the catalog entries and discount schemes
the offer uses, the seller's configuration, the templates its layouts read (and the
clause library of a contract), and the versions of offergen and its renderers. Anything
else in the workspace may change without rebuilding it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .confine import MISSING, Refused, template_file
from .render.watermark import WATERMARK_FONT
from .workspace import CLIENTS_DIR, Workspace

if TYPE_CHECKING:
    from .history import Revision

RENDERERS = (
    "offergen",
    "weasyprint",
    "docxtpl",
    "python-docx",
    "pydyf",
    "jinja2",
    "babel",
    "fonttools",
)
SHARED_TEMPLATES = (
    "base.html",
    "style.css",
    "labels.yaml",
    "items.html",
    "parties.html",
    "discount_terms.html",
    "letterhead.html",
    "signature.html",
    WATERMARK_FONT,
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return sha256(text.encode("utf-8"))


@cache
def renderer_versions() -> dict[str, str]:
    found = {}
    for name in RENDERERS:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "unknown"
    return found


UNPRINTED_OFFER = {"sent"}
UNPRINTED_CONFIG = {"mail", "numbering"}


class InputHasher:
    """Hashes of one workspace's inputs, each file read once per build."""

    def __init__(self, workspace: Workspace, revisions: Mapping[str, Revision]) -> None:
        self.workspace = workspace
        self.revisions = revisions
        self._files: dict[Path, str] = {}
        self._offers: dict[str, dict[str, str]] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = sha256(path.read_bytes()) if path.is_file() else "missing"
        return self._files[path]

    def offer_inputs(self, offer_id: str) -> dict[str, str]:
        """Everything one offer's documents share."""
        if offer_id not in self._offers:
            self._offers[offer_id] = self._offer_inputs(offer_id)
        return self._offers[offer_id]

    def _offer_inputs(self, offer_id: str) -> dict[str, str]:
        workspace = self.workspace
        offer = workspace.offer(offer_id)
        return {
            # The offer and offergen.yaml as read, less what no document prints: a send
            # record, the SMTP settings and the numbering of new offers leave documents
            # up to date (a resend needs no rebuild).
            "offer": digest(offer.model_dump(mode="json", exclude=UNPRINTED_OFFER)),
            "client": self.file(workspace.root / CLIENTS_DIR / f"{offer.client}.yaml"),
            "config": digest(workspace.config.model_dump(mode="json", exclude=UNPRINTED_CONFIG)),
            **priced_inputs(workspace, offer_id),
            "versions": digest(renderer_versions()),
            "revision": repr(self.revisions.get(offer_id)),
        }

    def template_inputs(self, offer_id: str, document: str) -> dict[str, str]:
        templates = self.workspace.templates_dir
        names = [f"{document}.html", f"{document}.docx", *SHARED_TEMPLATES]
        contract = self.workspace.offer(offer_id).contract
        if contract is not None and document in ("contract", "disagreements"):
            names.append(f"clauses/{contract.type}.yaml")
        return {f"templates/{name}": self.template(templates, name) for name in names}

    def template(self, templates: Path, name: str) -> str:
        """A file under templates/ as the renderer reads it: a link leading outside is
        never read, not even to be hashed."""
        try:
            return self.file(template_file(templates, name))
        except Refused as refused:
            return "missing" if refused.why == MISSING else "refused"

    def document_hash(self, offer_id: str, document: str, fmt: str) -> str:
        return digest(
            {
                "document": document,
                "format": fmt,
                **self.offer_inputs(offer_id),
                **self.template_inputs(offer_id, document),
            }
        )


def priced_inputs(workspace: Workspace, offer_id: str) -> dict[str, str]:
    """What an offer takes from the shared files: its catalog entries (with the price
    convention and category names) and its discount schemes (with the policy)."""
    offer = workspace.offer(offer_id)
    skus = {item.sku for item in offer.items if item.sku}
    entries = [e.model_dump(mode="json") for e in workspace.catalog.items if e.sku in skus]
    book = workspace.discounts
    schemes = {name: book.schemes[name].model_dump(mode="json") for name in offer.schemes}
    return {
        "catalog": digest(
            {
                "entries": entries,
                "convention": workspace.catalog.prices_include_vat,
                "categories": {
                    code: name.model_dump(mode="json")
                    for code, name in workspace.catalog.categories.items()
                },
            }
        ),
        "discounts": digest({"policy": book.policy.model_dump(mode="json"), "schemes": schemes}),
    }
