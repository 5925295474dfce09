"""Turn two versions of an offer into redlines and a summary of what changed in its data.

Each side is a whole workspace: the working tree, or the tree of a commit read from git.
Both sides render with their own templates and data, then every document whose text
differs gets a DOCX with Word's tracked changes and a PDF with the changes marked.
"""

from __future__ import annotations

import getpass
import re
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .build import OUT_DIR
from .documents import DocumentKind, documents_for
from .documents.contract import contract_sections
from .documents.view import OfferView
from .errors import OffergenError
from .formatting import format_money, format_percent
from .history import SHORT, Repo, Revision
from .load import Loc, format_loc
from .lock import locked
from .past import changed_inputs, load_at, offer_statuses, revisions
from .redline import blank_docx, blank_html, redline_docx, redline_html
from .render import Templates, html_to_pdf, render_docx, render_page
from .rendering import resolve
from .validate import load_workspace
from .verify import REDLINE
from .workspace import CATALOG_FILE, CONFIG_FILE, Workspace, client_source, offer_source
from .write import output_path, write_atomic

WIDTH = 60  # the most a console line shows of either version of a value
CONTEXT_WORDS = 3  # shown either side of the words that changed
WORD = re.compile(r"[^ \t\n\r\f\v]+")  # no-break spaces stay inside: "943 054,32 ₽"
PREFERRED_BASES = ("sent", "approved")  # the version the client saw, else the one approved
# The version stamp in the running footer and ПРОЕКТ / DRAFT (templates/base.html) say
# which build this is, not what the document says: the DOCX keeps them in its header and
# footer, which its redline does not compare, and the PDF's redline leaves them alone too.
PAGE_FURNITURE = ("running-footer", "watermark")
WORKTREE = "worktree"  # the working tree's side in a redline's name


@dataclass
class Side:
    """One version of the workspace: "working tree" or a commit."""

    name: str
    workspace: Workspace
    revisions: dict[str, Revision]  # the offer's version on this side
    commit: str | None = None
    author: str = ""
    when: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    @property
    def short(self) -> str:
        """The side in a redline's name: a commit's short hash, or `worktree`."""
        return self.commit[:SHORT] if self.commit else WORKTREE


@dataclass
class DiffReport:
    old: Side
    new: Side
    why: str  # how the old side was chosen
    changes: list[str]
    written: list[Path] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # documents only the new side has
    dropped: list[str] = field(default_factory=list)  # documents only the old side has


class NothingToCompare(OffergenError):
    """The offer has no earlier version."""


def diff(
    root: Path,
    repo: Repo,
    offer_id: str,
    rev_old: str | None = None,
    rev_new: str | None = None,
    out_dir: Path | None = None,
) -> DiffReport:
    """Redline every document of `offer_id` that differs between two versions."""
    with ExitStack() as stack:
        new = _side(stack, repo, root, offer_id, rev_new)
        if rev_old is None:
            rev_old, why = default_base(repo, new, offer_id)
        else:
            why = "as asked"
        old = _side(stack, repo, root, offer_id, rev_old)
        report = DiffReport(old, new, why, data_changes(old.workspace, new.workspace, offer_id))
        target = (out_dir or root / OUT_DIR).resolve()
        target.mkdir(parents=True, exist_ok=True)
        files = dict(_redlines(old, new, offer_id, report))
        with locked(target, 600.0):
            folder = target / offer_id
            # Redlines of other versions stay; one of these two that no longer differs goes.
            for stale in folder.glob(f"{REDLINE}*.{_compared(old, new)}.*"):
                stale.unlink()
            for name, data in files.items():
                path = output_path(target, offer_id, name)
                write_atomic(path, data)
                report.written.append(path)
    return report


def _side(stack: ExitStack, repo: Repo, root: Path, offer_id: str, rev: str | None) -> Side:
    if rev is None:
        workspace = load_workspace(root)
        workspace.offer(offer_id)
        versions = revisions(workspace, repo)
        if changed_inputs(repo, workspace, offer_id):
            return Side("working tree", workspace, versions, author=_user(repo))
        # A clean tree is its newest commit: the changes are that commit's author's.
        client = workspace.offer(offer_id).client
        newest = repo.index().offer_commits(offer_id, client)[:1]
        if not newest:
            return Side("working tree", workspace, versions, author=_user(repo))
        return Side(
            "working tree", workspace, versions, None, newest[0].author, newest[0].committed
        )
    sha = repo.resolve(rev)
    scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="offergen-diff-")))
    workspace, versions = load_at(repo, sha, scratch, [offer_id])
    # The commit's own author and date, even when it changed nothing in the workspace.
    author, committed = repo.git("show", "-s", "--format=%an%x00%cI", sha).decode().split("\x00")
    when = datetime.fromisoformat(committed.strip())
    return Side(sha[:SHORT], workspace, versions, sha, author, when)


def _user(repo: Repo) -> str:
    try:
        return repo.git("config", "user.name").decode("utf-8").strip() or getpass.getuser()
    except OffergenError:
        return getpass.getuser()


def default_base(repo: Repo, new: Side, offer_id: str) -> tuple[str, str]:
    """The last commit before `new` where the offer was sent, else approved, else the
    commit before `new`: with the reason."""
    client = new.workspace.offer(offer_id).client
    commits = repo.index(new.commit).offer_commits(offer_id, client)
    if new.commit is not None or not changed_inputs(repo, new.workspace, offer_id):
        commits = commits[1:]  # the newest commit is `new` itself
    if not commits:
        raise NothingToCompare(f"{offer_id} has no earlier version in git to compare with")
    statuses = offer_statuses(repo, [c.sha for c in commits], offer_id)
    for wanted in PREFERRED_BASES:
        for commit, status in zip(commits, statuses, strict=True):
            if status == wanted:
                return commit.sha, f"the last commit where it was {wanted}"
    return commits[0].sha, "the previous commit; never sent or approved"


def _compared(old: Side, new: Side) -> str:
    """The versions in a redline's name, older first: `b8f63c7-56b19e2`, `b8f63c7-worktree`."""
    return f"{old.short}-{new.short}"


def _redlines(
    old: Side, new: Side, offer_id: str, report: DiffReport
) -> Iterator[tuple[str, bytes]]:
    """`redline-<document>.<old>-<new>.docx` and `.pdf` of each document that differs."""
    compared = _compared(old, new)
    old_kinds = {k.name for k in documents_for(old.workspace, offer_id)}
    new_kinds = documents_for(new.workspace, offer_id)
    report.dropped = [name for name in old_kinds if name not in {k.name for k in new_kinds}]
    templates = Templates(old.workspace.templates_dir), Templates(new.workspace.templates_dir)
    views = resolve_side(old, templates[0], offer_id), resolve_side(new, templates[1], offer_id)
    for kind in new_kinds:
        after = _rendered(views[1], templates[1], kind)
        if kind.name in old_kinds:
            before = _rendered(views[0], templates[0], kind)
        else:  # a new document: all of it is inserted
            report.added.append(kind.name)
            before = blank_docx(after[0]), blank_html(after[1])
        docx = redline_docx(before[0], after[0], author=new.author, date=new.when)
        if docx is None:  # the body says the same; at most the footer's version moved
            report.unchanged.append(kind.name)
            continue
        yield f"{REDLINE}{kind.file_stem}.{compared}.docx", docx
        page = redline_html(before[1], after[1], furniture=PAGE_FURNITURE) or after[1]
        yield (
            f"{REDLINE}{kind.file_stem}.{compared}.pdf",
            html_to_pdf(templates[1], kind.template("pdf"), page),
        )


def resolve_side(side: Side, templates: Templates, offer_id: str) -> OfferView:
    return resolve(side.workspace, templates, offer_id, side.revisions.get(offer_id))


def _rendered(view: OfferView, templates: Templates, kind: DocumentKind) -> tuple[bytes, str]:
    """A document's DOCX and the HTML its PDF is made from, from one context."""
    context, meta = kind.context(view)
    return (
        render_docx(templates, kind.template("docx"), context, meta),
        render_page(templates, kind.template("pdf"), context, meta),
    )


# --- what changed in the data -------------------------------------------------------------


def data_changes(old: Workspace, new: Workspace, offer_id: str) -> list[str]:
    """ "items[2].qty: 4 → 6", "clause 5.2 (payment.deferral): changed", "gross: … → …"."""
    lines = list(_changes(_data(old, offer_source(offer_id)), _data(new, offer_source(offer_id))))
    client_old, client_new = old.offer(offer_id).client, new.offer(offer_id).client
    lines += _changes(
        _data(old, client_source(client_old)),
        _data(new, client_source(client_new)),
        ("client",),
    )
    skus = [i.sku for i in new.offer(offer_id).items if i.sku] + [
        i.sku for i in old.offer(offer_id).items if i.sku
    ]
    for sku in dict.fromkeys(skus):
        lines += _changes(_entry(old, sku), _entry(new, sku), (f"catalog[{sku}]",))
    lines += _changes(_data(old, CONFIG_FILE), _data(new, CONFIG_FILE), ("offergen.yaml",))
    lines += _terms_changes(old, new, offer_id)
    lines += _clause_changes(old, new, offer_id)
    lines += _total_changes(old, new, offer_id)
    return lines


def _terms_changes(old: Workspace, new: Workspace, offer_id: str) -> list[str]:
    """The terms in effect, where an agreed point changed them: every document prints
    these, so the change shows in each redline the agreement touches."""
    before, after = old.offer(offer_id), new.offer(offer_id)
    effective = before.effective_terms.model_dump(), after.effective_terms.model_dump()
    written = before.terms.model_dump(), after.terms.model_dump()
    return [
        change_line(f"terms in effect (agreed).{key}", effective[0][key], effective[1][key])
        for key in effective[1]
        if effective[0][key] != effective[1][key]
        and (written[0][key], written[1][key]) != (effective[0][key], effective[1][key])
    ]


def _data(workspace: Workspace, relative: str) -> Any:
    source = workspace.sources.get(relative)
    return source.data if source is not None else None


def _entry(workspace: Workspace, sku: str) -> Any:
    items = (_data(workspace, CATALOG_FILE) or {}).get("items", [])
    return next((i for i in items if isinstance(i, dict) and i.get("sku") == sku), None)


def _changes(old: Any, new: Any, loc: Loc = ()) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            yield from _changes(old.get(key, _ABSENT), new.get(key, _ABSENT), (*loc, key))
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            yield from _changes(
                old[index] if index < len(old) else _ABSENT,
                new[index] if index < len(new) else _ABSENT,
                (*loc, index),
            )
    elif old != new or type(old) is not type(new):
        yield change_line(format_loc(loc), old, new)


class _Absent:
    def __repr__(self) -> str:
        return "(none)"


_ABSENT = _Absent()


def change_line(where: str, old: Any, new: Any) -> str:
    """`where: old → new`, whole when short; long texts as their changed words in context."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > WIDTH:
        excerpts = _excerpts(old, new)
        if excerpts is not None:
            return f"{where}: «{excerpts[0]}» → «{excerpts[1]}»"
    return f"{where}: {_shown(old)} → {_shown(new)}"


def _shown(value: Any) -> str:
    if value is _ABSENT:
        return "(none)"
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, (dict, list)):
        text = "{…}" if isinstance(value, dict) else f"[{len(value)} items]"
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= WIDTH else _clipped(text)


def _excerpts(old: str, new: str) -> tuple[str, str] | None:
    """Each text's changed words with CONTEXT_WORDS either side; None if the words agree.

    A long clause cut from its start hides the change ("…оплачивает в т… → …оплачивает в
    т…"); these read "…в течение 10 календарных дней…" → "…в течение 20 банковских дней…".
    """
    ours, theirs = WORD.findall(old), WORD.findall(new)
    matcher = SequenceMatcher(None, ours, theirs, autojunk=False)
    changed = [opcode for opcode in matcher.get_opcodes() if opcode[0] != "equal"]
    if not changed:
        return None
    (_, i1, _, j1, _), (_, _, i2, _, j2) = changed[0], changed[-1]
    return _excerpt(ours, i1, i2), _excerpt(theirs, j1, j2)


def _excerpt(words: list[str], start: int, end: int) -> str:
    """`words[start:end]` with context, "…" where words are left out, at most WIDTH long."""
    first, last = max(0, start - CONTEXT_WORDS), min(len(words), end + CONTEXT_WORDS)
    text = ("…" if first else "") + " ".join(words[first:last])
    more = last < len(words)
    return _clipped(text) if len(text) + more > WIDTH else text + "…" * more


def _clipped(text: str) -> str:
    """`text` cut to WIDTH, ending in "…": at a space when one is in its second half."""
    cut = text[: WIDTH - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > WIDTH // 2 else cut) + "…"


def _clause_changes(old: Workspace, new: Workspace, offer_id: str) -> list[str]:
    before, after = _clauses(old, offer_id), _clauses(new, offer_id)
    if before is None and after is None:
        return []
    before, after = before or {}, after or {}
    lines = []
    for clause_id, (number, text) in after.items():
        if clause_id not in before:
            lines.append(f"clause {number} ({clause_id}): added")
        elif before[clause_id][1] != text:
            lines.append(change_line(f"clause {number} ({clause_id})", before[clause_id][1], text))
        elif before[clause_id][0] != number:
            lines.append(f"clause {number} ({clause_id}): renumbered from {before[clause_id][0]}")
    for clause_id, (number, _) in before.items():
        if clause_id not in after:
            lines.append(f"clause {number} ({clause_id}): removed")
    return lines


def _clauses(workspace: Workspace, offer_id: str) -> dict[str, tuple[str, str]] | None:
    if workspace.offer(offer_id).contract is None:
        return None
    view = resolve(workspace, workspace.templates, offer_id)
    return {
        clause.id: (clause.number, clause.text)
        for section in contract_sections(view)
        for clause in section.clauses
    }


def _total_changes(old: Workspace, new: Workspace, offer_id: str) -> list[str]:
    before, after = old.price(offer_id), new.price(offer_id)
    locale = new.settings(offer_id).locale
    lines = []
    if before.effective_discount != after.effective_discount:
        lines.append(
            f"effective discount: {format_percent(before.effective_discount, locale)} → "
            f"{format_percent(after.effective_discount, locale)}"
        )
    if (before.totals.gross, before.currency) != (after.totals.gross, after.currency):
        lines.append(
            f"gross: {format_money(before.totals.gross, before.currency, locale)} → "
            f"{format_money(after.totals.gross, after.currency, locale)}"
        )
    return lines
