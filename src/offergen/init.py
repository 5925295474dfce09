"""Turn an empty folder into a workspace ready for git: `offergen.yaml` with placeholders
to fill in, an empty catalog and discounts file, editor and pre-commit settings; or the
demo workspace; and, on request, a copy of the shipped templates to customise.

Nothing here prints: `init_workspace` returns what it wrote, the CLI says so.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import OffergenError
from .workspace import (
    CATALOG_FILE,
    CLIENTS_DIR,
    CONFIG_FILE,
    DISCOUNTS_FILE,
    OFFERS_DIR,
    SHIPPED_TEMPLATES,
    TEMPLATES_DIR,
    shipped,
)

__all__ = ["SCHEMA_DIR", "InitRefused", "init_workspace"]

# The demo workspace: inside the package in a wheel, at the top of an editable checkout.
EXAMPLE_PARTS = (CONFIG_FILE, CATALOG_FILE, DISCOUNTS_FILE, CLIENTS_DIR, OFFERS_DIR)
SCHEMA_DIR = ".schema"


class InitRefused(OffergenError):
    """The folder is not one `init` may write into."""


def init_workspace(target: Path, *, example: bool = False, templates: bool = False) -> list[str]:
    """Write a new workspace into `target` (missing or empty) and return the top-level
    names written. With only `templates`, an existing workspace without templates/ gets
    a copy of the shipped ones. A failure leaves nothing behind."""
    if _is_used(target):
        if templates and not example and (target / CONFIG_FILE).is_file():
            return _add_templates(target)
        raise InitRefused(
            f"{target} is not empty; init writes a new workspace into a new or empty folder"
            " (init --templates alone copies the templates into a workspace that has none)"
        )
    parts: list[Callable[[Path], None]] = [_write_example if example else _write_blank]
    parts += [_write_settings] + ([_copy_templates] if templates else [])
    return _write_into(target, parts)


def _is_used(target: Path) -> bool:
    if target.exists() and not target.is_dir():
        raise InitRefused(f"{target} is a file, not a folder")
    return target.is_dir() and any(target.iterdir())


def _add_templates(root: Path) -> list[str]:
    if (root / TEMPLATES_DIR).exists():
        raise InitRefused(
            f"{root / TEMPLATES_DIR} already exists; init --templates copies the shipped "
            "templates only into a workspace that has none"
        )
    return _write_into(root, [_copy_templates])


def _write_into(target: Path, parts: list[Callable[[Path], None]]) -> list[str]:
    """Let `parts` write into a hidden scratch folder inside `target`, then move what they
    wrote into place, one rename each; on a failure `target` is left as it was (removed
    if init made it). Returns the names moved in."""
    made = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".offergen-init-", dir=target))
    moved: list[Path] = []
    try:
        for write in parts:
            write(scratch)
        for entry in sorted(scratch.iterdir()):
            entry.rename(target / entry.name)
            moved.append(target / entry.name)
    except BaseException as error:
        for path in moved:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        shutil.rmtree(scratch, ignore_errors=True)
        if made:
            target.rmdir()
        if isinstance(error, OSError):  # a full disk, a folder we may not write: the user's
            raise OffergenError(f"could not write {target}: {error.strerror or error}") from None
        raise
    scratch.rmdir()
    return [path.name for path in moved]


def _write_blank(root: Path) -> None:
    for relative, text in BLANK_FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _write_example(root: Path) -> None:
    source = shipped("example", ".")
    for part in EXAMPLE_PARTS:
        origin = source / part
        if origin.is_dir():
            shutil.copytree(origin, root / part, ignore=_only_yaml)
        else:
            shutil.copy2(origin, root / part)


def _only_yaml(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if not name.endswith(".yaml")]


def _copy_templates(root: Path) -> None:
    shutil.copytree(
        SHIPPED_TEMPLATES, root / TEMPLATES_DIR, ignore=shutil.ignore_patterns("__pycache__")
    )


def _write_settings(root: Path) -> None:
    """What makes the folder a repository's worth: ignores, editor and pre-commit set-up."""
    (root / ".gitignore").write_text("out/\n.venv/\n", encoding="utf-8")
    (root / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG, encoding="utf-8")
    from .schema import FILES, write_schemas

    # The VS Code YAML extension's completion and checks: each kind's schema, its files.
    settings = {
        "yaml.schemas": {f"./{SCHEMA_DIR}/{kind}.json": globs for kind, globs in FILES.items()}
    }
    vscode = root / ".vscode"
    vscode.mkdir()
    text = json.dumps(settings, ensure_ascii=False, indent=2) + "\n"
    (vscode / "settings.json").write_text(text, encoding="utf-8")
    write_schemas(root / SCHEMA_DIR)


PRE_COMMIT_CONFIG = """\
# `pre-commit install` runs offergen's check before every commit (https://pre-commit.com).
# These hooks use the offergen on PATH. To pin a version instead, use the hooks that
# offergen's own repository exposes (.pre-commit-hooks.yaml):
#   - repo: <URL of the offergen repository>
#     rev: <a tag or commit>
#     hooks: [{id: offergen-check}, {id: offergen-review}]
repos:
  - repo: local
    hooks:
      - id: offergen-check
        name: offergen check
        entry: offergen check
        language: system
        pass_filenames: false
        files: ^(offergen\\.yaml|catalog\\.yaml|discounts\\.yaml|clients/.*|offers/.*|templates/.*)$
"""

CONFIG_TEXT = """\
# The seller (our company) and the defaults every offer starts from.
# Replace each "<…>" with the real value; `offergen check` lists the ones left.
seller:
  name: "<Название компании, например ООО «Ромашка»>"
  inn: "<ИНН: 10 или 12 цифр>"
  kpp: "<КПП: 9 цифр; у ИП его нет, удалите строку>"
  ogrn: "<ОГРН: 13 цифр, у ИП ОГРНИП: 15 цифр>"
  address: "<Юридический адрес с индексом>"
  phone: "<Телефон, например +7 495 000-00-00>"
  email: "<Email для писем клиентов>"
  # name_en: Romashka LLC          # for documents in English
  # address_en: 1 Primernaya St., Moscow, 121099, Russia
  # website: example.ru
  bank:
    name: "<Банк, например ПАО Сбербанк>"
    bik: "<БИК: 9 цифр>"
    account: "<Расчётный счёт: 20 цифр>"
    corr_account: "<Корреспондентский счёт: 20 цифр>"
    # name_en: Sberbank
    # swift: SABRRUMM
  signatory:                     # who signs contracts
    name: "<ФИО подписанта полностью>"
    position: "<Должность подписанта, например Генеральный директор>"
    basis: "<Основание полномочий в родительном падеже, например Устава>"
    # name_en: Ivan Ivanov
    # position_en: General Director
    # basis_en: the Charter
defaults:
  locale: ru                 # ru | en
  currency: RUB              # RUB | EUR | USD
  vat_rate: 22               # 22 | 10 | 7 | 5 | 0 | none (none = без НДС)
  prices_include_vat: true
  validity_days: 30
  manager:                   # who an offer names as its contact, unless it names another
    name: "<ФИО менеджера>"
    position: "<Должность менеджера, например менеджер по работе с клиентами>"
    email: "<Email менеджера>"
    phone: "<Телефон менеджера>"
policy:                      # payment terms an offer may give; `offergen review` reports the rest
  max_deferral_days: 30      # calendar days to pay after delivery
  min_prepayment_percent: 30 # an offer without prepayment counts as 0 %
numbering: "КП-{year}-{seq:04}"  # how `offergen new offer` numbers offers; {seq} counts per year
"""

CATALOG_TEXT = """\
# The price list. `price` is in the workspace currency (offergen.yaml: defaults.currency);
# `prices` gives the same item in other currencies. An example entry, to copy below
# `items:` (and remove the `[]`):
#
#   - sku: pump-cn100                     # the id offers name it by
#     name: {ru: Насос центробежный ЦН-100, en: Centrifugal pump CN-100}
#     unit: {ru: шт., en: pcs}
#     price: 125000.00
#     prices: {EUR: 1350.00}
#     min_price: 90000.00                 # floor of the net unit price
#     category: pumps
#
# `categories` names the categories as documents print them:
#
# categories:
#   pumps: {ru: насосы, en: pumps}
items: []
"""

DISCOUNTS_TEXT = """\
# Discount schemes and the policy that combines them. Offers name the schemes they use
# (schemes: [volume]); offergen computes, explains and caps every discount.
policy:
  stacking: sequential        # sequential (multiply) | additive (sum) | best (largest one)
  max_total_percent: 25       # no line is ever discounted beyond this
  approval_above_percent: 15  # an offer whose effective discount exceeds this needs approval
# An example scheme, to copy below `schemes:` (and remove the `{}`):
#
#   volume:
#     title: {ru: Скидка за объём заказа, en: Order volume discount}
#     basis: order_total      # the order amount before order-level discounts
#     tiers: [{from: 300000, percent: 3}, {from: 1000000, percent: 5}]
schemes: {}
"""

BLANK_FILES = {
    CONFIG_FILE: CONFIG_TEXT,
    CATALOG_FILE: CATALOG_TEXT,
    DISCOUNTS_FILE: DISCOUNTS_TEXT,
    f"{CLIENTS_DIR}/.gitkeep": "",
    f"{OFFERS_DIR}/.gitkeep": "",
}
