"""Turn a workspace folder into `offergen check`'s verdict on a day: every file's
problems (validate.py), open offers past their validity, and approvals older than the
last change of substance in git (past.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .errors import Problem
from .history import Repo
from .past import stale_reviews
from .validate import load_workspace
from .workspace import Workspace, offer_source


def check_workspace(root: Path, today: date, *, history: bool = True) -> Workspace:
    """`load_workspace`, and what depends on the day and on git: open offers past their
    validity (warnings) and approvals older than the last change of substance (errors,
    which block their offers). `history=False` leaves git alone."""
    notices: list[str] = []

    def expired(workspace: Workspace) -> list[Problem]:
        return expired_offers(workspace, today)

    def stale(workspace: Workspace) -> list[Problem]:
        repo = Repo.find(workspace.root)
        if repo is None or not repo.has_commits:
            return []
        if repo.shallow:
            notices.append(
                "a shallow clone: review dates not checked against history "
                "(run `git fetch --unshallow`)"
            )
            return []
        return stale_reviews(repo, workspace, today)

    workspace = load_workspace(root, (expired, stale) if history else (expired,))
    workspace.notices += notices
    return workspace


def expired_offers(workspace: Workspace, today: date) -> list[Problem]:
    """Open offers whose validity has passed: warnings, since the data is not wrong."""
    found = []
    for offer_id, offer in workspace.offers.items():
        valid_until = workspace.settings(offer_id).valid_until
        if workspace.expired(offer_id, today):
            doc = workspace.sources[offer_source(offer_id)]
            loc = ("valid_until",) if offer.valid_until else ("date",)
            found.append(
                doc.problem(
                    loc,
                    f"expired on {valid_until} while {offer.status}; renew or close it",
                    severity="warning",
                )
            )
    return found
