"""Turn the git history of a workspace into commits, the offer inputs each changed, and past trees.

An offer's inputs are its own file, its client's card, the seller's configuration, the
catalog, the discount schemes and everything under templates/. Which of their changes
make a new version of the offer's documents is past.py's question: it loads past states.

Only git's plumbing is used, always with `-z`, so names that are not ASCII pass through
unquoted. A shallow clone is refused: its history is cut short and every version counted
from it would be wrong.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from .errors import OffergenError, ValidationFailed
from .load import load_document
from .workspace import (
    CATALOG_FILE,
    CLIENTS_DIR,
    CONFIG_FILE,
    DISCOUNTS_FILE,
    OFFERS_DIR,
    TEMPLATES_DIR,
    client_source,
    offer_source,
)

SHORT = 7  # a fixed length: git's own abbreviation grows with the repository
SHARED_INPUTS = (CONFIG_FILE, CATALOG_FILE, DISCOUNTS_FILE)
_FIELDS = ("%H", "%an", "%aI", "%cI", "%s")


class GitError(OffergenError):
    """git refused, or the repository cannot answer what was asked."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    authored: datetime
    committed: datetime
    subject: str
    paths: frozenset[str]  # changed files, relative to the workspace root

    @property
    def short(self) -> str:
        return self.sha[:SHORT]


@dataclass(frozen=True)
class Revision:
    """Which version of its inputs an offer's documents were built from."""

    version: int  # changes of what its documents say (see past.revisions)
    commit: str | None  # short hash of the commit of the newest change
    dirty: bool  # built from a working tree that says something else than that commit

    def text(self, locale: str) -> str:
        """ "версия 3 · 1a2b3c4 + изменения": in offergen's words, not the templates', so
        that templates of any age print it the same."""
        version, changes = _WORDS[locale]
        text = " · ".join([f"{version} {self.version}", *([self.commit] if self.commit else [])])
        return f"{text} + {changes}" if self.dirty else text


_WORDS = {"ru": ("версия", "изменения"), "en": ("version", "changes")}


def input_paths(offer_id: str, client_id: str) -> tuple[str, ...]:
    """The files (relative to the workspace) an offer is built from, templates apart."""
    return (offer_source(offer_id), client_source(client_id), *SHARED_INPUTS)


def is_input(path: str, files: Iterable[str]) -> bool:
    return path.startswith(f"{TEMPLATES_DIR}/") or path in files


@dataclass
class Repo:
    """The git repository a workspace lives in (the workspace may be a subfolder)."""

    root: Path  # the workspace
    toplevel: Path
    prefix: str  # the workspace's folder inside the repository, "" or ending in "/"
    shallow: bool
    git_dir: Path  # git's own folder for this checkout (a worktree has one of its own)
    _logs: dict[str, list[Commit]] = field(default_factory=dict, repr=False)
    _indexes: dict[str, InputIndex] = field(default_factory=dict, repr=False)

    @classmethod
    def find(cls, root: Path) -> Repo | None:
        """The repository holding `root`, or None when it is not in one (or git is absent)."""
        if shutil.which("git") is None:
            return None
        try:
            out = _git(
                root,
                "rev-parse",
                "--show-toplevel",
                "--show-prefix",
                "--is-shallow-repository",
                "--absolute-git-dir",
            )
        except GitError:
            return None
        toplevel, prefix, shallow, git_dir = out.decode("utf-8").split("\n")[:4]
        return cls(root.resolve(), Path(toplevel), prefix, shallow == "true", Path(git_dir))

    def git(self, *args: str) -> bytes:
        return _git(self.root, *args)

    def require_history(self) -> None:
        if self.shallow:
            raise GitError(
                f"{self.toplevel} is a shallow clone: its history is cut short, so versions "
                "and history would be wrong; run `git fetch --unshallow` first"
            )

    def resolve(self, rev: str) -> str:
        """The full hash of the commit `rev` names."""
        if rev.startswith("-"):
            raise GitError(f"{rev!r} is not a revision")
        try:
            return (
                self.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
            )
        except GitError:
            raise GitError(f"no commit {rev!r} in {self.toplevel}") from None

    def log(self, rev: str | None = None, first_parent: bool = False) -> list[Commit]:
        """Every commit reachable from `rev` (HEAD) that changed the workspace, newest first;
        with `first_parent`, only those of the line that led to `rev`, each merge included
        with what it brought into that line."""
        self.require_history()
        key = f"{rev or 'HEAD'}{' --first-parent' if first_parent else ''}"
        if key not in self._logs:
            self._logs[key] = self._read_log(rev or "HEAD", first_parent)
        return self._logs[key]

    def index(self, rev: str | None = None, first_parent: bool = False) -> InputIndex:
        """The log of `rev` indexed by offer inputs, built once per command."""
        key = f"{rev or 'HEAD'}{' --first-parent' if first_parent else ''}"
        if key not in self._indexes:
            self._indexes[key] = InputIndex(self.log(rev, first_parent))
        return self._indexes[key]

    def _read_log(self, rev: str, first_parent: bool) -> list[Commit]:
        if rev == "HEAD" and not self.has_commits:
            return []
        fmt = "%x1e" + "%x00".join(_FIELDS)
        out = self.git(
            "log",
            "-z",
            "--no-renames",
            "--name-only",
            # A merge lists what it changed in the line merged into: without this, a merge
            # that brings an offer's changes in would be no commit of the offer's, and the
            # newest of its commits would not be the state built.
            "--diff-merges=first-parent",
            # Whatever log.showRoot and diff.relative say: the first commit lists its files,
            # and every name is relative to the top of the repository.
            "--root",
            "--no-relative",
            *(["--first-parent"] if first_parent else []),
            f"--format={fmt}",
            self.resolve(rev),
            "--",
            ".",
        )
        commits = []
        for record in out.decode("utf-8", "surrogateescape").split("\x1e")[1:]:
            sha, author, authored, committed, subject, *names = record.split("\x00")
            paths = {self._relative(name.lstrip("\n")) for name in names if name.strip("\n")}
            commits.append(
                Commit(
                    sha,
                    author,
                    datetime.fromisoformat(authored),
                    datetime.fromisoformat(committed),
                    subject,
                    frozenset(p for p in paths if p is not None),
                )
            )
        return commits

    @cached_property
    def has_commits(self) -> bool:
        try:
            self.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitError:
            return False
        return True

    @cached_property
    def _changed(self) -> frozenset[str]:
        return frozenset(self._read_changed())

    def changed(self) -> set[str]:
        """Workspace files that differ from HEAD: modified, staged, new or deleted. Read
        once: a command asks for every offer, and the tree does not move meanwhile."""
        return set(self._changed)

    def _read_changed(self) -> set[str]:
        out = self.git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
        entries = out.decode("utf-8", "surrogateescape").split("\x00")
        changed: set[str] = set()
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            if len(entry) < 4:
                continue
            # A rename or copy, staged (XY = "R ") or of an intent-to-add file (" R"), is
            # followed by its source.
            renamed = any(mark in "RC" for mark in entry[:2])
            for name in (entry[3:], *(entries[index : index + 1] if renamed else ())):
                relative = self._relative(name)
                if relative is not None and not (entry[:2] == "??" and _scratch(relative)):
                    changed.add(relative)
            if renamed:
                index += 1
        return changed

    def read_many(self, specs: Sequence[tuple[str, str]]) -> list[bytes | None]:
        """Workspace files at commits, (sha, relative path) each, in one git process."""
        if not specs:
            return []
        request = "".join(f"{sha}:{self.prefix}{path}\n" for sha, path in specs)
        env = {**os.environ, "LC_ALL": "C"}
        done = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=self.root,
            env=env,
            input=request.encode("utf-8"),
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise GitError(done.stderr.decode("utf-8", "replace").strip() or "git cat-file failed")
        out, position = done.stdout, 0
        found: list[bytes | None] = []
        for _ in specs:
            end = out.index(b"\n", position)
            # "<hash> <type> <size>", or "<name as asked> missing": that name may hold spaces.
            header = out[position:end].rsplit(b" ", 2)
            position = end + 1
            if len(header) != 3 or not header[2].isdigit():
                found.append(None)  # missing
                continue
            size = int(header[2])
            found.append(out[position : position + size] if header[1] == b"blob" else None)
            position += size + 1
        return found

    def export(self, sha: str, target: Path) -> Path:
        """Write the workspace as committed in `sha` into `target`; return its root there."""
        if self.prefix:
            try:
                found = self.git("cat-file", "-t", f"{sha}:{self.prefix.rstrip('/')}").strip()
            except GitError:
                found = b""
            if found != b"tree":
                raise GitError(
                    f"there is no {self.prefix.rstrip('/')}/ in {sha[:SHORT]}: the workspace "
                    "was not in the repository yet"
                )
        # The committed blobs themselves, as listed from the top of the repository: `git
        # archive` would apply export-ignore and export-subst from .gitattributes and so
        # could leave out or rewrite a template that a checkout has.
        listing = _git(self.toplevel, "ls-tree", "-r", "-z", sha, "--", self.prefix or ".")
        entries = []
        for entry in listing.decode("utf-8", "surrogateescape").split("\x00"):
            if entry:
                meta, name = entry.split("\t", 1)
                mode, object_type = meta.split(" ")[:2]
                relative = self._relative(name)
                if object_type == "blob" and relative is not None:
                    entries.append((mode, relative))
        blobs = self.read_many([(sha, relative) for _, relative in entries])
        for (mode, relative), data in zip(entries, blobs, strict=True):
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":  # a symbolic link, as a checkout makes it
                os.symlink(os.fsdecode(data or b""), path)
            else:
                path.write_bytes(data or b"")
                if mode == "100755":
                    path.chmod(0o755)
        return target

    def export_offers(self, sha: str, target: Path, offer_ids: Sequence[str]) -> Path:
        """The workspace at `sha` with only the named offers and their clients: another
        offer that today's rules would refuse must not stop a look at these. Their
        documents read nothing of the offers left out."""
        root = self.export(sha, target)
        keep: set[str] = set()
        for offer_id in offer_ids:
            own = root / OFFERS_DIR / f"{offer_id}.yaml"
            keep.add(offer_source(offer_id))
            client = _client_of(own)
            if client is not None:
                keep.add(client_source(client))
        for folder in (OFFERS_DIR, CLIENTS_DIR):
            for path in (root / folder).glob("*") if (root / folder).is_dir() else ():
                if path.is_file() and f"{folder}/{path.name}" not in keep:
                    path.unlink()
        return root

    def _relative(self, name: str) -> str | None:
        return name[len(self.prefix) :] if name.startswith(self.prefix) else None


def _client_of(offer_file: Path) -> str | None:
    """The client an offer file names, if it can be read at all (else the full load says
    what is wrong with it)."""
    try:
        data = load_document(offer_file.read_bytes(), offer_file.name).data
    except (OSError, ValidationFailed):
        return None
    client = data.get("client") if isinstance(data, dict) else None
    return client if isinstance(client, str) else None


def _scratch(relative: str) -> bool:
    """An editor's swap or backup file (.name.swp, name~, #name#): not an input, even
    while untracked under templates/."""
    name = relative.rsplit("/", 1)[-1]
    return name.startswith((".", "#")) or name.endswith("~")


def no_repository(root: Path) -> GitError:
    """Why `Repo.find` found none: without git on PATH, no repository can be seen at all."""
    if shutil.which("git") is None:
        return GitError("git is not installed (or not on PATH): it is needed to read the history")
    return GitError(f"{root} is not in a git repository: there is no history to read")


def _git(cwd: Path, *args: str) -> bytes:
    env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


# --- versions -----------------------------------------------------------------------------


class InputIndex:
    """Which commits of a log changed which offer's inputs, for many offers at once."""

    def __init__(self, commits: Sequence[Commit]) -> None:
        self.commits = commits
        self._by_path: dict[str, list[int]] = {}
        for index, commit in enumerate(commits):
            for path in commit.paths:
                self._by_path.setdefault(path, []).append(index)
        self._shared = {
            i for i, c in enumerate(commits) if any(is_input(p, SHARED_INPUTS) for p in c.paths)
        }

    def offer_commits(self, offer_id: str, client_id: str) -> list[Commit]:
        """The commits that changed the offer's inputs since it was first committed, newest
        first; [] for an offer never committed."""
        own, client = input_paths(offer_id, client_id)[:2]
        if own not in self._by_path:
            return []
        created = max(self._by_path[own])
        touching = self._shared | {*self._by_path[own], *self._by_path.get(client, ())}
        return [self.commits[i] for i in sorted(touching) if i <= created]
