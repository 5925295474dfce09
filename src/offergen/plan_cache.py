"""Turn an unchanged workspace into the plan of its last build, without parsing, checking
or pricing it again.

A build plans from what it knows of each offer: the documents it gets, the hash of each
document's inputs, its warnings, what blocks it, its version in git. All of that follows
from the contents of the input files, offergen's code and versions, and the git state the
versions are counted from; the cache keeps it under a key of exactly these.

Checking the key costs a `stat` per input file: a file whose size and mtime are those
recorded is taken as unchanged; another is read and hashed, and is unchanged when its
sha256 is. A file changed within RACY_NS before the cache was written may have kept its
stat (a coarse clock), so it is always hashed (git's "racily clean" rule).

The cache is JSON, never pickle: a cache someone else wrote can at worst make a build
skip documents they could as well have written themselves, never run code. It lives in
git's folder (`.git/offergen/`) when the workspace is in a repository, else in
`out/.offergen-cache/`; deleting it is always safe.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import astuple, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import NotFound, Problem, did_you_mean
from .inputs import InputHasher, digest, renderer_versions, sha256
from .workspace import (
    CATALOG_FILE,
    CLIENTS_DIR,
    CONFIG_FILE,
    DISCOUNTS_FILE,
    OFFERS_DIR,
    SHIPPED_TEMPLATES,
    TEMPLATES_DIR,
    offer_source,
    templates_of,
)
from .write import write_atomic

if TYPE_CHECKING:
    from .history import Revision
    from .workspace import Workspace

FORMAT = 1  # of the cache file; another is ignored
RACY_NS = 2_000_000_000
CACHE_NAME = "plan.json"
OUT_CACHE = ".offergen-cache"  # in the output folder, outside git


class PlannedFile(NamedTuple):
    """One file an offer should have, and the hash of what shapes it."""

    document: str
    stem: str
    fmt: str
    inputs: str


# --- the two sources of a plan ------------------------------------------------------------


class Loaded:
    """Planning from a loaded workspace: each document's inputs hashed, and kept, so that
    the next build of the same inputs can recall them."""

    def __init__(self, workspace: Workspace, revisions: Mapping[str, Revision]) -> None:
        self.workspace = workspace
        self.revisions = dict(revisions)
        self.hasher = InputHasher(workspace, revisions)
        self.planned: dict[str, dict[tuple[str, str], PlannedFile]] = {}

    @property
    def root(self) -> Path:
        return self.workspace.root

    @property
    def offer_ids(self) -> list[str]:
        return self.workspace.offer_ids

    @property
    def blocked(self) -> dict[str, tuple[Problem, ...]]:
        return self.workspace.blocked

    def known(self, offer_id: str) -> None:
        self.workspace.known(offer_id)

    def blocked_documents(self, offer_id: str) -> dict[str, tuple[Problem, ...]]:
        return self.workspace.blocked_documents(offer_id)

    def files(self, offer_id: str, formats: Sequence[str]) -> list[PlannedFile]:
        from .documents import documents_for

        planned = self.planned.setdefault(offer_id, {})
        found = []
        for kind in documents_for(self.workspace, offer_id):
            for fmt in formats:
                if (kind.name, fmt) not in planned:
                    inputs = self.hasher.document_hash(offer_id, kind.name, fmt)
                    planned[kind.name, fmt] = PlannedFile(kind.name, kind.file_stem, fmt, inputs)
                found.append(planned[kind.name, fmt])
        return found

    def loaded(self) -> Loaded:
        return self


@dataclass
class Recalled:
    """What the cache remembers of an unchanged workspace; the workspace itself is loaded
    only when something is to be rendered or written."""

    root: Path
    offer_ids: list[str]
    blocked: dict[str, tuple[Problem, ...]]
    revisions: dict[str, Revision]
    planned: dict[str, list[PlannedFile]]  # every sound offer's files, formats remembered
    broken: dict[str, dict[str, tuple[Problem, ...]]]
    warnings: dict[str, tuple[Problem, ...]]  # each sound offer's
    stamp_warnings: dict[str, tuple[Problem, ...]]  # see past.uncommitted_warnings
    notices: list[str]
    _loaded: Loaded | None = field(default=None, repr=False)

    def known(self, offer_id: str) -> None:
        if offer_id not in self.offer_ids:
            hint = did_you_mean(offer_id, self.offer_ids)
            raise NotFound(f"no offer {offer_id!r} in {OFFERS_DIR}/{hint}")

    def blocked_documents(self, offer_id: str) -> dict[str, tuple[Problem, ...]]:
        return self.broken.get(offer_id, {})

    def files(self, offer_id: str, formats: Sequence[str]) -> list[PlannedFile]:
        return [f for f in self.planned[offer_id] if f.fmt in formats]

    def covers(self, offer_ids: Sequence[str], formats: Sequence[str]) -> bool:
        """Whether every file these offers (all by default) should have is remembered: a
        build of fewer offers or formats remembers only theirs."""
        for offer_id in offer_ids or self.offer_ids:
            if offer_id not in self.offer_ids or offer_id in self.blocked:
                continue  # the build says so, as it would have
            files = self.planned.get(offer_id)
            if files is None:
                return False
            have = {(f.document, f.fmt) for f in files}
            if any((f.document, fmt) not in have for f in files for fmt in formats):
                return False
        return True

    def loaded(self) -> Loaded:
        """The workspace, loaded now that something must be rendered."""
        if self._loaded is None:
            from .validate import load_workspace

            self._loaded = Loaded(load_workspace(self.root), self.revisions)
        return self._loaded


# --- before a build: recall, or load ------------------------------------------------------


@dataclass
class Prepared:
    """What a build of the working tree starts from, and what to say before it."""

    source: Loaded | Recalled
    warnings: list[Problem]  # of the offers asked for
    notices: list[str]
    stamp_warnings: list[Problem]
    _remember: dict[str, Any] | None = None  # the key and input files, when loaded
    _stamp_all: list[Problem] = field(default_factory=list)  # every offer's, to remember

    def remember(self) -> None:
        """Keep the plan of a loaded workspace for the next build (best effort)."""
        if self._remember is None or not isinstance(self.source, Loaded):
            return
        place = self._remember.pop("place")
        data = {**self._remember, "plan": _plan_json(self.source, self._stamp_all, self.notices)}
        with suppress(OSError):  # into git's folder, or an output folder the build made
            place.parent.mkdir(exist_ok=True)
            write_atomic(place, json.dumps(data, separators=(",", ":")).encode("utf-8"))


def prepare(
    root: Path,
    offer_ids: Sequence[str],
    formats: Sequence[str],
    out_dir: Path | None = None,
    *,
    recall: bool = True,
) -> Prepared:
    """The plan of the build of `offer_ids` (all by default) in `formats`: recalled when
    no input changed since a build remembered it, else from the workspace loaded now
    (`ValidationFailed` when it cannot be)."""
    from .past import stamps
    from .validate import load_workspace

    root = root.resolve()
    state = InputState.of(root, out_dir)
    if recall:
        recalled = state.recall()
        if recalled is not None and recalled.covers(offer_ids, formats):
            asked = [o for o in offer_ids or recalled.offer_ids if o in recalled.warnings]
            return Prepared(
                recalled,
                sorted({p for o in asked for p in recalled.warnings[o]}),
                recalled.notices,
                sorted({p for o in asked for p in recalled.stamp_warnings.get(o, ())}),
            )
    # Hashed before they are loaded: a file saved meanwhile is remembered as it was, and
    # so differs next time, never the other way round.
    remember = state.to_remember()
    workspace = load_workspace(root)
    stamped = stamps(workspace)  # every offer's warnings, to be remembered
    asked_files = {offer_source(o) for o in offer_ids or workspace.offer_ids}
    return Prepared(
        Loaded(workspace, stamped.revisions),
        workspace.warnings_of(offer_ids or workspace.offer_ids),
        stamped.notices,
        [w for w in stamped.warnings if w.path in asked_files],
        remember,
        stamped.warnings,
    )


# --- the key: input files, code and versions, git ------------------------------------------


Stat = tuple[int, int]  # size, mtime_ns


@dataclass
class InputState:
    """The input files of a workspace with their stats, and what else the plan depends on."""

    root: Path
    place: Path  # the cache file
    key: str
    stats: dict[str, Stat]
    started_ns: int  # when the stats were taken

    @classmethod
    def of(cls, root: Path, out_dir: Path | None = None) -> InputState:
        started = time.time_ns()
        git, place = _git_state(root, out_dir)
        stats = dict(_input_stats(root))
        key = digest(
            {
                "format": FORMAT,
                "root": str(root),
                "templates": str(templates_of(root)),  # the workspace's, or the shipped ones
                "git": git,
                **key_versions(),
            }
        )
        return cls(root, place, key, stats, started)

    def _read(self) -> dict[str, Any] | None:
        try:
            kept = json.loads(self.place.read_bytes())
        except (OSError, ValueError, RecursionError):
            return None
        ok = isinstance(kept, dict) and kept.get("key") == self.key
        return kept if ok and isinstance(kept.get("files"), dict) else None

    def recall(self) -> Recalled | None:
        """The remembered plan, when every input is as it was; None otherwise."""
        kept = self._read()
        if kept is None or set(kept["files"]) != set(self.stats):
            return None
        refreshed = self._unchanged(kept)
        if refreshed is None:
            return None
        try:
            recalled = _plan_of(self.root, kept["plan"])
        except (KeyError, TypeError, ValueError, IndexError):
            return None  # a damaged cache only costs a load
        if refreshed:  # same contents, new stats (a checkout, a touch): hash them once
            kept["files"].update(refreshed)
            with suppress(OSError):
                write_atomic(self.place, json.dumps(kept, separators=(",", ":")).encode())
        return recalled

    def _unchanged(self, kept: dict[str, Any]) -> dict[str, list[Any]] | None:
        """None when a file's contents differ; else the entries whose stats changed."""
        written = kept.get("started_ns")
        refreshed: dict[str, list[Any]] = {}
        for name, now in self.stats.items():
            entry = kept["files"][name]
            if not (isinstance(entry, list) and len(entry) == 3):
                return None
            racy = not isinstance(written, int) or now[1] >= written - RACY_NS
            if list(now) == entry[:2] and not racy:
                continue
            try:
                hashed = _contents(name)
            except OSError:
                return None
            if hashed != entry[2]:
                return None
            if list(now) != entry[:2]:
                refreshed[name] = [*now, hashed]
        return refreshed

    def to_remember(self) -> dict[str, Any]:
        files = {}
        for name, now in self.stats.items():
            with suppress(OSError):
                files[name] = [*now, _contents(name)]
        return {
            "place": self.place,
            "key": self.key,
            "started_ns": self.started_ns,
            "files": files,
        }


def key_versions() -> dict[str, Any]:
    """What else the plan depends on: offergen's code (its files' stats: an editable
    install changes without a new version), its libraries' versions, Python's."""
    return {"code": _code_stats(), "versions": _versions()}


@cache
def _code_stats() -> str:
    package = Path(__file__).resolve().parent
    return digest({str(p): _stat(p) for p in sorted(package.rglob("*.py"))})


@cache
def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = dict(renderer_versions())
    for name in ("pydantic", "pydantic-core", "PyYAML", "ruamel.yaml"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "unknown"
    found["python"] = sys.version
    return found


def _stat(path: Path) -> Stat:
    found = path.stat()
    return found.st_size, found.st_mtime_ns


def _input_stats(root: Path) -> Iterator[tuple[str, Stat]]:
    """Every file a build of `root` reads (and a few it does not, to be safe). A link that
    leads outside the folder it belongs to is never read, not even to be hashed (the build
    refuses it): its own stat and target stand for it."""
    for name in (CONFIG_FILE, CATALOG_FILE, DISCOUNTS_FILE):
        with suppress(OSError):
            yield _entry(root / name, root)
    for folder in (CLIENTS_DIR, OFFERS_DIR):
        inside = _inside(root / folder, root)  # a folder may be a link too
        with suppress(OSError), os.scandir(root / folder) as entries:
            for entry in entries:
                if not entry.name.startswith(".") and not entry.is_dir():
                    with suppress(OSError):
                        yield _entry(Path(entry.path), root, inside)
    templates = templates_of(root).resolve()
    for folder, folders, names in os.walk(templates, followlinks=True):
        folders[:] = [f for f in folders if _inside(Path(folder, f), templates)]
        for name in names:
            with suppress(OSError):
                yield _entry(Path(folder, name), templates)
    fallback = SHIPPED_TEMPLATES / "labels.yaml"  # a workspace's labels fall back to these
    with suppress(OSError):
        yield _entry(fallback, SHIPPED_TEMPLATES.resolve())


_OUTSIDE = "outside:"


def _entry(path: Path, base: Path, inside: bool = True) -> tuple[str, Stat]:
    """The file's name and stat, its folder being `inside` `base`; one `lstat` for a
    file that is no link."""
    found = os.lstat(path)
    if stat.S_ISLNK(found.st_mode) or not inside:
        if not inside or not _inside(path, base):
            return f"{_OUTSIDE}{path}", (found.st_size, found.st_mtime_ns)
        found = os.stat(path)
    return str(path), (found.st_size, found.st_mtime_ns)


def _inside(path: Path, base: Path) -> bool:
    return path.resolve().is_relative_to(base)


def _contents(name: str) -> str:
    """The sha256 of an input file, or of where a file that is never read lies."""
    if name.startswith(_OUTSIDE):
        return sha256(os.path.realpath(name.removeprefix(_OUTSIDE)).encode())
    return sha256(Path(name).read_bytes())


def _git_state(root: Path, out_dir: Path | None) -> tuple[dict[str, Any] | None, Path]:
    """The commit and uncommitted paths versions are counted from, and where the cache
    lives: None and the output folder outside a repository."""
    from .history import GitError, Repo

    repo = Repo.find(root)
    if repo is None:
        return None, (out_dir or root / "out").resolve() / OUT_CACHE / CACHE_NAME
    place = repo.git_dir / "offergen" / f"plan-{sha256(str(root).encode())[:16]}.json"
    try:
        head = repo.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip()
    except GitError:
        head = None
    inputs = (CONFIG_FILE, CATALOG_FILE, DISCOUNTS_FILE)
    folders = (f"{CLIENTS_DIR}/", f"{OFFERS_DIR}/", f"{TEMPLATES_DIR}/")
    try:  # only inputs: out/, when git does not ignore it, changes with every build
        changed = sorted(p for p in repo.changed() if p in inputs or p.startswith(folders))
    except GitError:
        changed = None
    return {"head": head, "shallow": repo.shallow, "changed": changed}, place


# --- the plan as JSON ---------------------------------------------------------------------


def _plan_json(
    loaded: Loaded, stamp_warnings: Sequence[Problem], notices: Sequence[str]
) -> dict[str, Any]:
    workspace = loaded.workspace
    table: dict[Problem, int] = {}

    def refs(problems: Sequence[Problem]) -> list[int]:
        return [table.setdefault(problem, len(table)) for problem in problems]

    stamped: dict[str, list[Problem]] = {}
    for problem in stamp_warnings:
        offer_id = problem.path.removeprefix(f"{OFFERS_DIR}/").removesuffix(".yaml")
        stamped.setdefault(offer_id, []).append(problem)
    sound = sorted(workspace.offers)
    plan: dict[str, Any] = {
        "offer_ids": workspace.offer_ids,
        "blocked": {oid: refs(problems) for oid, problems in workspace.blocked.items()},
        "revisions": {oid: astuple(rev) for oid, rev in loaded.revisions.items()},
        "planned": {
            oid: [list(f) for f in files.values()] for oid, files in loaded.planned.items()
        },
        "broken": {
            oid: {name: refs(found) for name, found in workspace.blocked_documents(oid).items()}
            for oid in sound
        },
        "warnings": {
            oid: refs([p for p in workspace.findings.get(oid, ()) if p.severity == "warning"])
            for oid in sound
        },
        "stamp_warnings": {oid: refs(found) for oid, found in stamped.items()},
        "notices": list(notices),
    }
    plan["problems"] = [astuple(problem) for problem in table]
    return plan


def _plan_of(root: Path, plan: dict[str, Any]) -> Recalled:
    from .history import Revision

    table = [Problem(*entry) for entry in plan["problems"]]

    def problems(refs: list[int]) -> tuple[Problem, ...]:
        return tuple(table[ref] for ref in refs)

    def by_offer(found: dict[str, list[int]]) -> dict[str, tuple[Problem, ...]]:
        return {str(oid): problems(refs) for oid, refs in found.items()}

    return Recalled(
        root,
        [str(oid) for oid in plan["offer_ids"]],
        by_offer(plan["blocked"]),
        {str(oid): Revision(*rev) for oid, rev in plan["revisions"].items()},
        {
            str(oid): [PlannedFile(*map(str, f)) for f in files]
            for oid, files in plan["planned"].items()
        },
        {oid: by_offer(found) for oid, found in plan["broken"].items()},
        by_offer(plan["warnings"]),
        by_offer(plan["stamp_warnings"]),
        [str(notice) for notice in plan["notices"]],
    )
