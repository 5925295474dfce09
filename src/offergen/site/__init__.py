"""Turn a checked workspace into the review site: the pipeline with its charts, a page per
offer and per client, written into out/site/ so that it opens from file:// offline.

gather.py and offer_detail.py collect values, charts.py draws, render.py formats and
renders pages to bytes, and `write_site` puts only the changed ones in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..models import ID_PATTERN
from ..workspace import CLIENTS_DIR, SHIPPED_TEMPLATES, TEMPLATES_DIR, Workspace
from ..write import make_output_root, write_files

SITE_TEMPLATES = "site"  # under templates/
PAGE_FOLDERS = ("offers", "clients")  # a page per offer, per client


@dataclass(frozen=True)
class SiteReport:
    site: Path
    written: tuple[str, ...]  # pages and assets whose bytes changed, relative to `site`
    unchanged: int
    removed: tuple[str, ...]  # pages of offers or clients that are gone
    blocked: tuple[str, ...]  # offers shown with the problems that block them
    broken_clients: tuple[str, ...]  # client cards with errors


def site_templates(root: Path) -> Path:
    """The workspace's templates/site/ when it has one, else the shipped one."""
    own = root / TEMPLATES_DIR / SITE_TEMPLATES
    return own if own.is_dir() else SHIPPED_TEMPLATES / SITE_TEMPLATES


def render_site(
    workspace: Workspace, site: Path, today: date, *, history: bool = True
) -> dict[str, bytes]:
    """Every file of the site, by its path relative to `site`; `history=False` leaves
    git alone (each offer's history reads every commit that touched it)."""
    from ..history import Repo
    from ..render.templates import Templates
    from .charts import charts
    from .gather import gather
    from .offer_detail import offer_detail
    from .render import ASSETS, Pages

    defaults = workspace.config.defaults
    templates = Templates(site_templates(workspace.root))
    documents = workspace.root / "out"
    pages = Pages(templates, defaults.locale, defaults.currency, documents, site)
    pipeline = gather(workspace, today)
    repo = Repo.find(workspace.root)
    files = {f"assets/{name}": templates.read(name) for name in ASSETS}
    drawn = charts(pipeline.rows, pages.labels, defaults.locale, defaults.currency)
    files["index.html"] = pages.index(pipeline, drawn)
    files["clients.html"] = pages.client_list(pipeline)
    for row in pipeline.rows:
        detail = offer_detail(workspace, row, documents, repo, history=history)
        files[f"offers/{row.offer_id}.html"] = pages.offer(detail, pipeline)
    for card in pipeline.clients:
        files[f"clients/{card.client_id}.html"] = pages.client(card, pipeline)
    return files


def build_site(
    workspace: Workspace, site: Path, today: date, *, history: bool = True
) -> SiteReport:
    """Render the site and write the files whose bytes changed; remove the pages of
    offers and clients that no longer exist."""
    files = render_site(workspace, site, today, history=history)
    written, unchanged, removed = write_site(site, files)
    return SiteReport(
        site=site,
        written=written,
        unchanged=unchanged,
        removed=removed,
        blocked=tuple(sorted(workspace.blocked)),
        broken_clients=tuple(
            sorted(
                {
                    p.path.removeprefix(f"{CLIENTS_DIR}/").removesuffix(".yaml")
                    for p in workspace.errors
                    if p.path.startswith(f"{CLIENTS_DIR}/")
                }
            )
        ),
    )


def write_site(site: Path, files: dict[str, bytes]) -> tuple[tuple[str, ...], int, tuple[str, ...]]:
    """Write the files whose bytes differ from what is there (atomically, all or none),
    and remove the pages left over from offers and clients that are gone."""
    make_output_root(site)
    changed = {}
    for relative, data in sorted(files.items()):
        path = site / relative
        if path.is_symlink() or not path.is_file() or path.read_bytes() != data:
            changed[path] = data
    write_files(changed)
    removed = []
    for folder in PAGE_FOLDERS:
        for path in sorted((site / folder).glob("*.html")):
            relative = f"{folder}/{path.name}"
            if relative not in files and re.fullmatch(ID_PATTERN, path.stem):
                path.unlink()
                removed.append(relative)
    written = tuple(str(path.relative_to(site)) for path in changed)
    return written, len(files) - len(changed), tuple(removed)
