"""Turn commits into past states of an offer: its history, version and last change of substance.

A past state is loaded from only the files that offer needs, as committed: the seller's
configuration, the catalog, the discount schemes, the offer, its client and its clause
library. The current rules judge it, so a commit that the current version of offergen
refuses shows as such instead of stopping the history.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import metadata
from pathlib import Path

from .errors import NotFound, OffergenError, Problem, ValidationFailed
from .history import SHARED_INPUTS, SHORT, Commit, Repo, Revision, input_paths, is_input
from .inputs import digest, priced_inputs, sha256
from .load import Loc, load_document
from .validate import load_workspace
from .workspace import APPROVAL_REQUIRED, TEMPLATES_DIR, Workspace, offer_source
from .write import write_atomic

BOOKKEEPING = {"status", "review", "approval", "sent"}  # what a review or a send changes
UNPRINTED = {"policy", "reliability", "numbering", "mail"}  # judged by, or tools', never printed
CHUNK = 8  # past states loaded at a time while walking back
CLAUSES = f"{TEMPLATES_DIR}/clauses/"  # the only templates that say something


@dataclass(frozen=True)
class State:
    """An offer as one commit left it: loaded, or the reason it could not be."""

    workspace: Workspace | None
    problem: str | None = None
    status: str | None = None  # as the file says, even when it does not load
    substance: str | None = None  # see substance(); None when it does not load


def substance(workspace: Workspace, offer_id: str) -> str:
    """A hash of what the offer's documents say, less the review's own bookkeeping: the
    offer, its client, the seller, the catalog entries and schemes it uses, its clauses.
    Taken from the loaded data, so that a past state's files need not outlive its loading."""
    offer = workspace.offer(offer_id)
    client = workspace.clients[offer.client]
    inputs = {
        "offer": digest(offer.model_dump(mode="json", exclude=BOOKKEEPING)),
        "client": digest(client.model_dump(mode="json", exclude=UNPRINTED)),
        "config": digest(workspace.config.model_dump(mode="json", exclude=UNPRINTED)),
        **priced_inputs(workspace, offer_id),
    }
    if offer.contract is not None:
        library = workspace.clause_library(offer.contract.type).library
        inputs["clauses"] = digest(library.model_dump(mode="json"))
    return digest(inputs)


def load_states(repo: Repo, shas: Sequence[str], offer_id: str) -> list[State]:
    """The offer at each commit of `shas`, read in two batches from git."""
    names = (offer_source(offer_id), *SHARED_INPUTS)
    blobs = iter(repo.read_many([(sha, name) for sha in shas for name in names]))
    files = [{name: next(blobs) for name in names} for _ in shas]
    extra = [
        _dependencies(found[names[0]], f"{sha[:7]}:{names[0]}")
        for sha, found in zip(shas, files, strict=True)
    ]
    more = iter(
        repo.read_many(
            [(sha, path) for sha, paths in zip(shas, extra, strict=True) for path in paths]
        )
    )
    with tempfile.TemporaryDirectory(prefix="offergen-past-") as scratch:
        states = []
        for sha, found, paths in zip(shas, files, extra, strict=True):
            found.update({path: next(more) for path in paths})
            states.append(_load(Path(scratch) / sha, found, offer_id))
    return states


def _dependencies(offer_file: bytes | None, where: str) -> list[str]:
    """The client card and clause library an offer file names, when it can be read."""
    if offer_file is None:
        return []
    try:
        data = load_document(offer_file, where).data
    except ValidationFailed:
        return []
    if not isinstance(data, dict):
        return []
    paths = []
    if isinstance(data.get("client"), str):
        paths.append(input_paths(offer_id="", client_id=data["client"])[1])
    contract = data.get("contract")
    if isinstance(contract, dict) and isinstance(contract.get("type"), str):
        paths.append(f"{TEMPLATES_DIR}/clauses/{contract['type']}.yaml")
    return paths


def _load(root: Path, files: dict[str, bytes | None], offer_id: str) -> State:
    if files.get(offer_source(offer_id)) is None:
        return State(None, "the offer does not exist here")
    for path, data in files.items():
        if data is not None:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
    try:
        workspace = load_workspace(root, layouts=False, rules=False)
        essence = substance(workspace, offer_id)  # while its files are still there
    except ValidationFailed as failed:
        first = failed.problems[0] if failed.problems else None
        return State(None, f"invalid: {first}" if first else "invalid", _status(root, offer_id))
    except OffergenError as error:
        return State(None, f"invalid: {error}", _status(root, offer_id))
    return State(workspace, None, workspace.offer(offer_id).status, essence)


def _status(root: Path, offer_id: str) -> str | None:
    relative = offer_source(offer_id)
    return _status_of((root / relative).read_bytes(), relative)


def _status_of(offer_file: bytes | None, where: str) -> str | None:
    if offer_file is None:
        return None
    try:
        data = load_document(offer_file, where).data
    except ValidationFailed:
        return None
    status = data.get("status", "draft") if isinstance(data, dict) else None
    return status if isinstance(status, str) else None


def offer_statuses(repo: Repo, shas: Sequence[str], offer_id: str) -> list[str | None]:
    """The offer's status as each commit's file says (None: absent or unreadable)."""
    relative = offer_source(offer_id)
    blobs = repo.read_many([(sha, relative) for sha in shas])
    return [_status_of(blob, relative) for blob in blobs]


# --- a workspace at a commit, and the versions of its offers ------------------------------


def load_at(
    repo: Repo, sha: str, target: Path, offer_ids: Sequence[str] = ()
) -> tuple[Workspace, dict[str, Revision]]:
    """The workspace as committed in `sha`, written under `target` and loaded, and each
    offer's version as of `sha`. With `offer_ids`, only those offers and their clients
    (see `Repo.export_offers`), each of which must exist there. Problems name their files
    as git does, `<hash>:<path>`: the working tree's files may well be fine."""
    root = repo.export_offers(sha, target, offer_ids) if offer_ids else repo.export(sha, target)
    try:
        workspace = load_workspace(root)
    except ValidationFailed as failed:
        raise ValidationFailed(
            replace(p, path=f"{sha[:SHORT]}:{p.path}") for p in failed.problems
        ) from None
    at = f"{sha[:SHORT]}:"
    workspace.problems = [replace(p, path=at + p.path) for p in workspace.problems]
    workspace.findings = {
        oid: tuple(replace(p, path=at + p.path) for p in found)
        for oid, found in workspace.findings.items()
    }
    for offer_id in offer_ids:
        try:
            workspace.offer(offer_id)
        except NotFound as error:
            raise NotFound(f"at {sha[:SHORT]}: {error}") from None
    return workspace, revisions(workspace, repo, sha)


@dataclass(frozen=True)
class Stamps:
    """What a build of the working tree stamps its documents with, and what to say."""

    revisions: dict[str, Revision]
    warnings: list[Problem]  # offers approved or later built from uncommitted inputs
    notices: list[str]  # why there are no versions at all


def stamps(workspace: Workspace, offer_ids: Sequence[str] = ()) -> Stamps:
    """Each offer's version in the working tree (none outside a repository, nor in a
    shallow clone, whose cut history would count wrong), with a warning for each offer
    of `offer_ids` (all by default) approved or later and built from what no commit says."""
    repo = Repo.find(workspace.root)
    if repo is None:
        return Stamps({}, [], [])
    if repo.shallow:
        notice = "a shallow clone: the documents carry no version (run `git fetch --unshallow`)"
        return Stamps({}, [], [notice])
    versions = revisions(workspace, repo)
    return Stamps(versions, uncommitted_warnings(repo, workspace, versions, offer_ids), [])


def revisions(workspace: Workspace, repo: Repo, rev: str | None = None) -> dict[str, Revision]:
    """Each offer's version, from the working tree when `rev` is None, else as of `rev`:
    how many times what its documents say changed on the line that led there, and the
    commit of the newest change. Recording a status, a review or an approval, restyling a
    layout or repricing another item makes no new version; nor does an uncommitted change
    of that kind make the tree's documents differ from the commit's."""
    index = repo.index(rev, first_parent=True)
    known = SubstanceCache(repo)
    found = {}
    for offer_id, offer in workspace.offers.items():
        history = index.offer_commits(offer_id, offer.client)
        commits = commits_of_substance(history, offer_id, offer.client)
        states = known.substances(commits, offer_id)
        version, newest = _versions(commits, states)
        dirty = rev is None and (
            not commits or bool(_changed_in_tree(repo, workspace, offer_id, states[0]))
        )
        found[offer_id] = Revision(version, newest.short if newest else None, dirty)
    known.save()
    return found


def _versions(commits: Sequence[Commit], states: Sequence[str | None]) -> tuple[int, Commit | None]:
    """How many times the substance changed, oldest first, and the commit of the newest
    change. A state the current rules refuse counts as none: it cannot be built again."""
    version, newest, before = 0, None, None
    for commit, state in zip(reversed(commits), reversed(states), strict=True):
        if state is not None and state != before:
            version, newest, before = version + 1, commit, state
    return version, newest


class SubstanceCache:
    """Each offer's substance at each commit, kept between commands in git's folder: a
    commit never changes, so its states are loaded once for each version of offergen's
    code (a change of the rules or models may change what a state loads into)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.path = repo.git_dir / "offergen" / "substances.json"
        self.code = _code_version()
        self.states = self._read()
        self.added = False

    def _read(self) -> dict[str, dict[str, str | None]]:
        try:
            kept = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(kept, dict) or kept.get("code") != self.code:
            return {}
        states = kept.get("states")
        if not isinstance(states, dict) or not all(isinstance(s, dict) for s in states.values()):
            return {}
        return states

    def substances(self, commits: Sequence[Commit], offer_id: str) -> list[str | None]:
        """The offer's substance at each commit, loading only the states not known yet."""
        missing = [c for c in commits if offer_id not in self.states.get(c.sha, {})]
        for commit, state in zip(missing, _substances(self.repo, missing, offer_id), strict=True):
            self.states.setdefault(commit.sha, {})[offer_id] = state
            self.added = True
        return [self.states[c.sha][offer_id] for c in commits]

    def save(self) -> None:
        """Best effort: where git's folder cannot be written, the states load again."""
        if self.added:
            kept = {"code": self.code, "states": self.states}
            with suppress(OSError):
                write_atomic(self.path, json.dumps(kept, separators=(",", ":")).encode())


@cache
def _code_version() -> str:
    """What loading a state depends on: offergen's own source and its parsing libraries."""
    package = Path(__file__).parent
    sources = {str(p.relative_to(package)): sha256(p.read_bytes()) for p in package.rglob("*.py")}
    libraries = {}
    for name in ("pydantic", "PyYAML"):
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libraries[name] = "unknown"
    return digest({"sources": sources, "libraries": libraries})


def commits_of_substance(commits: Sequence[Commit], offer_id: str, client: str) -> list[Commit]:
    """Those of an offer's commits that touched more than layout templates: the others
    leave what its documents say as it was, and loading their states would only make a
    walk back as long as the history of style.css."""
    files = input_paths(offer_id, client)
    return [c for c in commits if any(p in files or p.startswith(CLAUSES) for p in c.paths)]


def uncommitted(repo: Repo, workspace: Workspace, offer_id: str) -> list[str]:
    """The files what the offer's documents say comes from (layouts apart) that differ
    from HEAD in the working tree: changed, or never committed."""
    offer = workspace.offer(offer_id)
    files = set(input_paths(offer_id, offer.client))
    if offer.contract is not None:
        files.add(f"{CLAUSES}{offer.contract.type}.yaml")
    return sorted(path for path in repo.changed() if path in files)


def _changed_in_tree(
    repo: Repo, workspace: Workspace, offer_id: str, head: str | None
) -> list[str]:
    """The uncommitted files that make the working tree's offer say something else than
    `head`, its substance as committed: [] when it says the same."""
    files = uncommitted(repo, workspace, offer_id)
    return files if files and substance(workspace, offer_id) != head else []


def uncommitted_warnings(
    repo: Repo, workspace: Workspace, versions: dict[str, Revision], offer_ids: Sequence[str] = ()
) -> list[Problem]:
    """A warning for each offer of `offer_ids` (else of the workspace) approved or later
    whose documents say what no commit does: their version cannot name what the client
    gets, and a rebuild of that version would say something else."""
    problems = []
    for offer_id in [o for o in offer_ids or sorted(workspace.offers) if o in workspace.offers]:
        status, revision = workspace.offers[offer_id].status, versions.get(offer_id)
        if status not in APPROVAL_REQUIRED or revision is None or not revision.dirty:
            continue
        source = offer_source(offer_id)
        files = ", ".join(uncommitted(repo, workspace, offer_id) or [source])
        if revision.commit is None:
            message = f"{status}, but no version of it is committed: commit {files}"
        else:
            message = f"{status}, but built from uncommitted changes to {files}: commit them"
        message += ", so that the version its documents carry names what the client gets"
        problems.append(workspace.sources[source].problem(("status",), message, severity="warning"))
    return problems


# --- history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    commit: Commit
    inputs: list[str]  # which of the offer's inputs the commit changed
    state: State
    offer_id: str

    @property
    def gross(self) -> tuple[Decimal, str] | None:
        workspace = self.state.workspace
        if workspace is None:
            return None
        priced = workspace.price(self.offer_id)
        return priced.totals.gross, priced.currency


def offer_history(repo: Repo, workspace: Workspace, offer_id: str) -> list[HistoryRow]:
    """Every commit that changed the offer or what it is built from, newest first."""
    client = workspace.client_id(offer_id) or ""
    commits = repo.index().offer_commits(offer_id, client)
    files = input_paths(offer_id, client)
    states = load_states(repo, [c.sha for c in commits], offer_id)
    return [
        HistoryRow(commit, sorted(p for p in commit.paths if is_input(p, files)), state, offer_id)
        for commit, state in zip(commits, states, strict=True)
    ]


def changed_inputs(repo: Repo, workspace: Workspace, offer_id: str) -> list[str]:
    """The offer's inputs with uncommitted changes in the working tree."""
    files = input_paths(offer_id, workspace.client_id(offer_id) or "")
    return sorted(path for path in repo.changed() if is_input(path, files))


# --- the last change of substance ---------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """When an offer's documents last changed in substance, and by what."""

    day: date
    commit: Commit | None  # None: uncommitted changes in the working tree
    files: list[str]

    def __str__(self) -> str:
        what = ", ".join(self.files)
        if self.commit is None:
            return f"uncommitted changes to {what}"
        return f"{self.commit.short} on {self.day}: {what}"


def last_change(
    repo: Repo,
    workspace: Workspace,
    offer_id: str,
    today: date,
    since: date | None = None,
    known: SubstanceCache | None = None,
) -> Change | None:
    """The newest commit (or working-tree change) after which the offer's documents say
    something else than before: what a review must postdate. Commits that only record a
    review, an approval or a status do not count. An offer never committed changed today;
    None when nothing tells (no commit, no uncommitted file), or when `since` is given and
    no change is dated on or after it: the walk back stops at the first older commit, so
    a long run of other items' price edits is not loaded state by state."""
    client = workspace.offer(offer_id).client
    files = input_paths(offer_id, client)
    # Each state is compared with the one before it on the line that led to HEAD: next to
    # each other in a log of all branches, two states may never have followed each other.
    history = repo.index(first_parent=True).offer_commits(offer_id, client)
    commits = commits_of_substance(history, offer_id, client)
    if not commits:  # never committed: what it says now was written in the working tree
        dirty = uncommitted(repo, workspace, offer_id)
        return Change(today, None, dirty) if dirty else None
    walk = _substances(repo, commits, offer_id, known)
    newest = next(walk)
    dirty = _changed_in_tree(repo, workspace, offer_id, newest)
    if dirty:
        return Change(today, None, dirty)
    for commit in commits:
        if since is not None and commit.committed.date() < since:
            return None  # any change from here back is older than what it is compared with
        older = next(walk, _BEFORE)  # before the offer's first commit: nothing to compare
        if older != newest:
            changed = sorted(p for p in commit.paths if is_input(p, files))
            return Change(commit.committed.date(), commit, changed)
        newest = older
    raise AssertionError("unreachable: the offer's first commit is a change")


_BEFORE = "the offer did not exist"


def _substances(
    repo: Repo, commits: Sequence[Commit], offer_id: str, known: SubstanceCache | None = None
) -> Iterator[str | None]:
    for start in range(0, len(commits), CHUNK):
        chunk = commits[start : start + CHUNK]
        if known is not None:  # states loaded by an earlier command are not loaded again
            yield from known.substances(chunk, offer_id)
            continue
        for state in load_states(repo, [c.sha for c in chunk], offer_id):
            yield state.substance


def stale_reviews(repo: Repo, workspace: Workspace, today: date) -> list[Problem]:
    """Offers approved or later whose standing approval of some role, or whose approval
    record (of a discount that needs one, or of the exceptions it covers), predates the
    last change of substance: an approval must cover what is being sent."""
    problems = []
    known = SubstanceCache(repo)
    for offer_id, offer in sorted(workspace.offers.items()):
        approvals: list[tuple[Loc, date, str]] = [
            (("review", index, "date"), review.date, f"{role} approved")
            for role, index in sorted(offer.standing_reviews().items())
            if (review := offer.review[index]).verdict == "approved"
        ]
        record = offer.approval
        others = [name for name in record.covers if name != "discount"] if record else []
        if record is not None and (others or workspace.price(offer_id).approval.needed):
            what = (
                f"the exceptions ({', '.join(record.covers)}) were"
                if others
                else "the discount was"
            )
            approvals.append((("approval", "date"), record.date, f"{what} approved"))
        if offer.status not in APPROVAL_REQUIRED or not approvals:
            continue
        since = min(day for _, day, _ in approvals)
        change = last_change(repo, workspace, offer_id, today, since, known)
        if change is None:
            continue
        doc = workspace.sources[offer_source(offer_id)]
        problems += [
            doc.problem(
                loc,
                f"{who} on {day}, before the last change of what the documents say "
                f"({change}); review again and date it",
            )
            for loc, day, who in approvals
            if day < change.day
        ]
    known.save()
    return problems
