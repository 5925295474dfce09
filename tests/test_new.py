"""`offergen new client` and `offergen new offer`: commented files that load, numbered and
named by the next free number and id, never written over an existing one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from offergen.load import load_document

from .conftest import ROOT, built_texts, copy_workspace, run

SCHEMA_LINE = "# yaml-language-server: $schema=../.schema/{}.json"
PLACEHOLDER_LINE = re.compile(r'^(?P<key>[a-z_]+): "<[^"]*>"', re.M)

# What a user types over the placeholders of a new card, by kind.
FILLED = {
    "company": {
        "name": "ООО «Ромашка»",
        "inn": "7707083893",
        "kpp": "770701001",
        "ogrn": "1027700132195",
        "address": "125009, г. Москва, ул. Тверская, д. 1",
    },
    "entrepreneur": {
        "name": "ИП Иванова Анна Сергеевна",
        "inn": "502412345682",
        "ogrn": "321502400123450",
        "address": "141400, г. Химки, ул. Заводская, д. 3",
    },
    "foreign": {
        "name": "Fjord Pumps AS",
        "country": "Norway",
        "registration_number": "912 345 678",
        "vat_id": "NO912345678MVA",
        "address": "Strandgata 1, 5013 Bergen, Norway",
    },
}


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_workspace(ROOT, tmp_path / "example")


def data_of(path: Path) -> dict[str, Any]:
    data = load_document(path.read_bytes(), path.name).data
    assert isinstance(data, dict)
    return data


def fill(path: Path, values: dict[str, str]) -> None:
    """Type a value over each placeholder, as a user would."""
    text = path.read_text("utf-8")

    def typed(found: re.Match[str]) -> str:
        return f"{found['key']}: {json.dumps(values[found['key']], ensure_ascii=False)}"

    path.write_text(PLACEHOLDER_LINE.sub(typed, text), "utf-8")
    assert PLACEHOLDER_LINE.search(path.read_text("utf-8")) is None


def written(result: Any, path: Path, what: str, step: str, kind: str) -> str:
    """The text of the file a `new` command says it wrote, with its schema line first."""
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"wrote {path}{what}", f"next: {step}"]
    text = path.read_text("utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE.format(kind)
    return text


def numbered(workspace: Path, pattern: str, number: str = "КП-1") -> int:
    """Number by `pattern`, the offer a-1 numbered `number`; the pattern's line."""
    config, offer = workspace / "offergen.yaml", workspace / "offers" / "a-1.yaml"
    config.write_text(config.read_text("utf-8") + f"numbering: {pattern}\n", "utf-8")
    offer.write_text(offer.read_text("utf-8").replace("КП-1", json.dumps(number)), "utf-8")
    return len(config.read_text("utf-8").splitlines())


def new_offer(workspace: Path, *args: str) -> Any:
    return run("-C", workspace, "new", "offer", *args)


# --- new client ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["company", "entrepreneur", "foreign"])
def test_a_new_card_filled_in_passes_check(scratch: Path, kind: str) -> None:
    result = run("-C", scratch, "new", "client", "fresh", "--kind", kind)
    card = scratch / "clients" / "fresh.yaml"
    step = "fill in every <…>, then: offergen new offer --client fresh"
    text = written(result, card, "", step, "client")
    assert sorted(PLACEHOLDER_LINE.findall(text)) == sorted(FILLED[kind])
    assert "\n# signatory: {" in text and "\n# reliability: {" in text  # optional, commented
    data = data_of(card)
    assert data["kind"] == kind
    assert ("kpp" in data) is (kind == "company")
    assert data.get("locale") == ("en" if kind == "foreign" else None)

    fill(card, FILLED[kind])
    checked = run("-C", scratch, "check", "--today", "2026-12-01")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("ok: 1 offer, 2 clients")
    assert "fresh" not in checked.stderr
    rows = json.loads(run("-C", scratch, "clients", "--json").stdout)
    fresh = next(row for row in rows if row["client"] == "fresh")
    assert (fresh["status"], fresh["name"], fresh["inn"]) == (
        "ok",
        FILLED[kind]["name"],
        FILLED[kind].get("inn"),
    )


def test_the_options_fill_the_card(scratch: Path) -> None:
    result = run(
        "-C",
        scratch,
        *("new", "client", "romashka", "--name", "ООО «Ромашка»", "--inn", "7707083893"),
        *("--kpp", "770701001", "--email", "info@romashka.example.ru", "--tier", "gold"),
    )
    assert result.exit_code == 0, result.output
    card = scratch / "clients" / "romashka.yaml"
    data = data_of(card)
    assert data["name"] == "ООО «Ромашка»"
    assert (data["inn"], data["kpp"], data["tier"]) == ("7707083893", "770701001", "gold")
    assert data["email"] == "info@romashka.example.ru"
    assert data["ogrn"] == "<ОГРН: 13 цифр>"  # still to fill in
    assert "\n# tier:" not in card.read_text("utf-8")  # given, so no longer offered commented


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--inn", "7707083894"],
            "--inn 7707083894: checksum does not match (the last digit should be 3)",
        ),
        (
            ["--kind", "entrepreneur", "--inn", "7707083893"],
            "--inn 7707083893: must be 12 digits for an entrepreneur, got 10 characters",
        ),
        (
            ["--kind", "entrepreneur", "--kpp", "770701001"],
            "--kpp 770701001: not used for an entrepreneur (an ИП has no КПП)",
        ),
        (["--ogrn", "1027700132194"], "--ogrn 1027700132194: checksum does not match"),
    ],
)
def test_a_bad_requisite_is_refused(scratch: Path, args: list[str], message: str) -> None:
    result = run("-C", scratch, "new", "client", "romashka", *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {message}")
    assert result.stderr.rstrip().endswith("(nothing written to clients/)")
    assert not (scratch / "clients" / "romashka.yaml").exists()


def test_a_bad_client_id_is_refused(scratch: Path) -> None:
    result = run("-C", scratch, "new", "client", "Romashka")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: client id 'Romashka' is not a valid id")
    assert sorted(p.name for p in (scratch / "clients").iterdir()) == ["acme.yaml"]


def test_new_client_never_replaces_a_card(scratch: Path) -> None:
    card = scratch / "clients" / "acme.yaml"
    before = card.read_bytes()
    result = run("-C", scratch, "new", "client", "acme", "--name", "Другое имя")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: clients/acme.yaml already exists; nothing was written "
        "(edit it, or choose another id)\n"
    )
    assert card.read_bytes() == before


# --- new offer: number, id, dates ------------------------------------------------------------


def test_a_new_offer_has_the_next_number_and_id(example: Path) -> None:
    result = new_offer(example, "--client", "acme", "--date", "2026-12-01")
    path = example / "offers" / "acme-2026-006.yaml"
    text = written(result, path, " (КП-2026-0007)", "offergen build acme-2026-006", "offer")
    data = data_of(path)
    # КП-2026-0001 … 0006 exist (CP-2026-0003 follows another pattern); acme has 001 and 005.
    assert data == {
        "number": "КП-2026-0007",
        "client": "acme",
        "date": "2026-12-01",
        "valid_until": "2026-12-31",  # defaults.validity_days: 30
        "status": "draft",
        "items": [{"sku": "pump-cn100", "qty": 1}],
        # within offergen.yaml's policy (prepayment ≥ 30 %, deferral ≤ 30 days): a new
        # draft gives review nothing to object to
        "terms": {
            "prepayment_percent": 30,
            "payment_days": 10,
            "delivery_days": 21,
            "delivery_place": "склад покупателя",
            "warranty_months": 12,
        },
    }
    assert "\n# contact: Анна Смирнова" in text  # the client's first contact, commented
    assert "\n# contract: {" in text
    review = run("-C", example, "review", "acme-2026-006", "--today", "2026-12-01")
    assert review.exit_code == 0 and "no findings" in review.output, review.output

    again = new_offer(example, "--client", "acme", "--date", "2026-12-02")
    assert again.exit_code == 0, again.output
    assert data_of(example / "offers" / "acme-2026-007.yaml")["number"] == "КП-2026-0008"
    other = new_offer(example, "--client", "kuznetsova", "--date", "2026-12-02")
    assert other.exit_code == 0, other.output
    assert data_of(example / "offers" / "kuznetsova-2026-003.yaml")["number"] == "КП-2026-0009"
    unseen = new_offer(example, "--client", "tula-water", "--date", "2026-12-02")
    assert unseen.exit_code == 0, unseen.output
    assert (example / "offers" / "tula-water-2026-001.yaml").is_file()


def test_the_sequence_starts_again_each_year(example: Path) -> None:
    result = new_offer(example, "--client", "acme", "--date", "2027-01-10")
    assert result.exit_code == 0, result.output
    data = data_of(example / "offers" / "acme-2027-001.yaml")
    assert (data["number"], data["date"], data["valid_until"]) == (
        "КП-2027-0001",
        "2027-01-10",
        "2027-02-09",
    )


def test_a_custom_pattern_numbers_by_its_own_numbers(scratch: Path) -> None:
    config = scratch / "offergen.yaml"
    config.write_text(
        config.read_text("utf-8") + 'numbering: "{seq:03}/{year}"\n'
        "  # validity comes from defaults\n",
        "utf-8",
    )
    for name, number in (("b-1", "007/2026"), ("b-2", "012/2025"), ("b-3", "КП-2026-0044")):
        offer = (scratch / "offers" / "a-1.yaml").read_text("utf-8")
        (scratch / "offers" / f"{name}.yaml").write_text(
            offer.replace("number: КП-1", f'number: "{number}"'), "utf-8"
        )
    result = new_offer(scratch, "--client", "acme", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert data_of(scratch / "offers" / "acme-2026-001.yaml")["number"] == "008/2026"


def test_offers_that_do_not_load_still_count(example: Path) -> None:
    # A broken offer, a broken card of another client and a seller with a bad ИНН: none
    # of them is what a new offer of acme needs.
    (example / "offers" / "draft-2026-041.yaml").write_text(
        'number: "КП-2026-0041"\nclient: [acme\n', "utf-8"
    )
    (example / "clients" / "kuznetsova.yaml").write_text("name: [\n", "utf-8")
    config = example / "offergen.yaml"
    config.write_text(config.read_text("utf-8").replace('"7707083893"', '"7707083894"'), "utf-8")
    result = new_offer(example, "--client", "acme", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert data_of(example / "offers" / "acme-2026-006.yaml")["number"] == "КП-2026-0042"


def test_without_a_year_the_sequence_never_restarts(scratch: Path) -> None:
    numbered(scratch, "N-{seq}", "N-41")
    result = new_offer(scratch, "--client", "acme", "--date", "2027-01-10")
    assert result.exit_code == 0, result.output
    assert data_of(scratch / "offers" / "acme-2027-001.yaml")["number"] == "N-42"


def test_an_empty_catalog_gives_an_empty_list_to_fill(scratch: Path) -> None:
    (scratch / "catalog.yaml").write_text("items: []\n", "utf-8")
    (scratch / "offers" / "a-1.yaml").unlink()
    result = new_offer(scratch, "--client", "acme", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    path = scratch / "offers" / "acme-2026-001.yaml"
    assert data_of(path)["items"] == []
    assert "items: []" in path.read_text("utf-8")
    checked = run("-C", scratch, "check", "--today", "2026-12-01")
    assert checked.exit_code == 1
    assert "offers/acme-2026-001.yaml:9:8: items: must not be empty" in checked.stderr


def test_a_bad_pattern_is_refused_and_check_warns(scratch: Path) -> None:
    line = numbered(scratch, "КП-{yr}-{seq}")
    result = new_offer(scratch, "--client", "acme", "--date", "2026-12-01")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"offergen.yaml:{line}:12: numbering: unknown placeholder {{yr}}: use {{year}} and {{seq}}",
        "1 error in 1 file.",
    ]
    assert sorted(p.name for p in (scratch / "offers").iterdir()) == ["a-1.yaml"]

    checked = run("-C", scratch, "check", "--today", "2026-12-01")
    assert checked.exit_code == 0, checked.output  # it blocks no offer
    assert (
        f"offergen.yaml:{line}:12: warning: numbering: unknown placeholder {{yr}}: use "
        "{year} and {seq}; `offergen new offer` refuses to number offers until it is fixed"
    ) in checked.stderr.splitlines()
    assert checked.stdout.startswith("ok: 1 offer")
    built = run("-C", scratch, "status", "--json")
    assert json.loads(built.stdout)[0]["status"] == "draft"


def test_a_pattern_that_cannot_be_read_back_is_refused(scratch: Path) -> None:
    numbered(scratch, "N{seq:b}", "N1")
    # binary: the next, 2, is written N10, which reads back as 10
    result = new_offer(scratch, "--client", "acme", "--date", "2026-12-01")
    assert result.exit_code == 1
    assert "cannot be read back into its year and sequence" in result.stderr


# --- new offer: refusals ---------------------------------------------------------------------


def test_new_offer_never_replaces_an_offer(example: Path) -> None:
    existing = example / "offers" / "acme-2026-001.yaml"
    before = existing.read_bytes()
    result = new_offer(example, "--client", "acme", "--id", "acme-2026-001")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: offers/acme-2026-001.yaml already exists; nothing was written "
        "(edit it, or choose another id)\n"
    )
    assert existing.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client", "acm"], "error: no client 'acm' in clients/; did you mean 'acme'?\n"),
        (
            ["--client", "acme", "--from", "acme-2026-01"],
            "error: no offer 'acme-2026-01' in offers/; did you mean 'acme-2026-001'?\n",
        ),
    ],
)
def test_an_unknown_client_or_offer_is_refused(
    example: Path, args: list[str], message: str
) -> None:
    before = sorted(p.name for p in (example / "offers").iterdir())
    result = new_offer(example, *args)
    assert result.exit_code == 1
    assert result.stderr == message
    assert sorted(p.name for p in (example / "offers").iterdir()) == before


# --- new offer --from -----------------------------------------------------------------------


def test_from_copies_items_and_terms_but_not_the_record(example: Path) -> None:
    result = new_offer(
        example, "--client", "tula-water", "--from", "acme-2026-005", "--date", "2026-12-10"
    )
    assert result.exit_code == 0, result.output
    source = data_of(example / "offers" / "acme-2026-005.yaml")
    copy = data_of(example / "offers" / "tula-water-2026-001.yaml")
    for key in ("items", "terms", "schemes", "intro"):
        assert copy[key] == source[key], key
    assert (copy["client"], copy["date"], copy["status"]) == ("tula-water", "2026-12-10", "draft")
    assert copy["number"] == "КП-2026-0007"
    for key in ("approval", "review", "contact"):  # acme's contact is no contact of tula-water
        assert key not in copy
    assert copy["contract"] == {"type": "supply", "number": "<номер договора>", "city": "Москва"}
    text = (example / "offers" / "tula-water-2026-001.yaml").read_text("utf-8")
    assert "# Copied from offers/acme-2026-005.yaml: its items and terms." in text
    assert "\n# contact: Волков Дмитрий Андреевич" in text


def test_from_an_offer_of_the_same_client_keeps_its_contact(example: Path) -> None:
    result = new_offer(example, "--client", "acme", "--from", "acme-2026-001")
    assert result.exit_code == 0, result.output
    source = data_of(example / "offers" / "acme-2026-001.yaml")
    copy = data_of(example / "offers" / "acme-2026-006.yaml")
    for key in ("contact", "items", "discount", "terms"):
        assert copy[key] == source[key], key
    rows = json.loads(run("-C", example, "status", "--json", "--today", copy["date"]).stdout)
    assert next(row for row in rows if row["offer"] == "acme-2026-006")["status"] == "draft"


def test_from_a_broken_offer_is_refused(example: Path) -> None:
    (example / "offers" / "acme-2026-009.yaml").write_text("number: [\n", "utf-8")
    result = new_offer(example, "--client", "acme", "--from", "acme-2026-009")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot copy from offers/acme-2026-009.yaml:2:1: ")
    assert not (example / "offers" / "acme-2026-010.yaml").exists()


# --- the new offer builds --------------------------------------------------------------------


def test_a_new_offer_builds_with_its_number_and_client(example: Path) -> None:
    result = new_offer(example, "--client", "acme")
    assert result.exit_code == 0, result.output
    offer_id = result.stdout.splitlines()[-1].removeprefix("next: offergen build ")
    number = data_of(example / "offers" / f"{offer_id}.yaml")["number"]
    for text in built_texts(example, offer_id, "proposal"):
        assert number in text
        assert "Акме & Партнёры" in text
        assert "Насос центробежный ЦН-100" in text


def test_a_new_offer_for_a_new_client_in_the_minimal_workspace_builds(scratch: Path) -> None:
    made = run(
        "-C",
        scratch,
        *("new", "client", "fjord", "--kind", "foreign", "--name", "Fjord Pumps AS"),
    )
    assert made.exit_code == 0, made.output
    fill(scratch / "clients" / "fjord.yaml", FILLED["foreign"])
    result = new_offer(scratch, "--client", "fjord", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    pdf, _ = built_texts(scratch, "fjord-2026-001", "proposal")
    assert "КП-2026-0001" in pdf and "Fjord Pumps AS" in pdf


def test_new_works_in_a_fresh_workspace_before_offergen_yaml_is_filled_in(
    tmp_path: Path,
) -> None:
    """The quick start's order: init, new client, new offer; the seller's placeholders
    are not what a new offer reads, so they do not stop it (check still lists them)."""
    workspace = tmp_path / "ws"
    assert run("init", workspace).exit_code == 0
    client = run("-C", workspace, "new", "client", "romashka", "--name", "ООО «Ромашка»")
    assert client.exit_code == 0, client.output
    offer = run("-C", workspace, "new", "offer", "--client", "romashka", "--date", "2026-12-01")
    assert offer.exit_code == 0, offer.output
    assert (workspace / "offers" / "romashka-2026-001.yaml").is_file()
    checked = run("-C", workspace, "check")
    assert checked.exit_code == 1
    assert "offergen.yaml:5:8: seller.inn: fill in: ИНН: 10 или 12 цифр" in checked.stderr
