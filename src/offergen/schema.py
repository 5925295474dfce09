"""Turn the models of the workspace files into JSON Schemas, for editors' completion and help.

pydantic writes a schema of what its validators take; `check` reads YAML through its own
loader first, so the schemas are adjusted to what `check` accepts: numbers are JSON
numbers (never quoted), a text may be written as a bare number (`inn: 7707083893`), a
localized text is `{ru: …, en: …}` or one plain string, dates are YYYY-MM-DD, and a VAT
rate is one of its values. Checksums, cross-references and business rules stay `check`'s.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic is imported when a schema is made: `offergen --help` stays fast
    from pydantic import BaseModel
    from pydantic.json_schema import GenerateJsonSchema

KINDS = ("offergen", "catalog", "discounts", "client", "offer", "clauses")
# Where each kind lives in a workspace, as editors' globs (`yaml.schemas`).
FILES = {
    "offergen": ["offergen.yaml"],
    "catalog": ["catalog.yaml"],
    "discounts": ["discounts.yaml"],
    "client": ["clients/*.yaml"],
    "offer": ["offers/*.yaml"],
    "clauses": ["templates/clauses/*.yaml"],
}
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_TITLES = {
    "offergen": "offergen.yaml: the seller, defaults, payment policy and numbering",
    "catalog": "catalog.yaml: the price list",
    "discounts": "discounts.yaml: the discount policy and the named schemes",
    "client": "clients/<id>.yaml: one client card",
    "offer": "offers/<id>.yaml: one offer to one client",
    "clauses": "templates/clauses/<type>.yaml: the clause library of one contract type",
}
# pydantic leaves a constraint it cannot place (one after a custom validator) under its
# own name; these are their JSON Schema names.
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
_DROPPED = {"title", "decimal_places"}  # titles are the field names again; decimals: check's
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _models() -> dict[str, type[BaseModel]]:
    from .clauses import ClauseLibrary
    from .models import Catalog, Client, Config, Discounts, Offer

    return {
        "offergen": Config,
        "catalog": Catalog,
        "discounts": Discounts,
        "client": Client,
        "offer": Offer,
        "clauses": ClauseLibrary,
    }


def schema_of(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of workspace file."""
    models = _models()
    if kind not in models:
        from .errors import OffergenError

        raise OffergenError(f"unknown file kind {kind!r}; the kinds are {', '.join(KINDS)}")
    generated = models[kind].model_json_schema(schema_generator=_generator())
    body = _tidy(generated)
    _scalar_forms(body.get("$defs", {}))
    return {"$schema": DRAFT, "$id": f"urn:offergen:schema:{kind}", "title": _TITLES[kind], **body}


def kind_of(relative: str) -> str | None:
    """The kind of a workspace file by its path (`clients/acme.yaml`: client), or None."""
    return next(
        (kind for kind, globs in FILES.items() if any(fnmatchcase(relative, g) for g in globs)),
        None,
    )


def schema_text(schema: dict[str, Any]) -> str:
    """A schema as the bytes offergen writes: stable key order, UTF-8 text, one newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path, kinds: tuple[str, ...] = KINDS) -> list[Path]:
    """Write `<kind>.json` for every kind (or those asked) into `folder`; return the paths."""
    from .write import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        path = folder / f"{kind}.json"
        write_atomic(path, schema_text(schema_of(kind)).encode("utf-8"))
        written.append(path)
    return written


@cache
def _generator() -> type[GenerateJsonSchema]:
    """pydantic's generator, told what offergen's own field validators accept."""
    from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
    from pydantic_core import core_schema

    from .clauses import _param
    from .limits import MAX_MONEY, MAX_PARAGRAPH_CHARS
    from .models import fields

    class Generator(GenerateJsonSchema):
        def function_before_schema(
            self, schema: core_schema.BeforeValidatorFunctionSchema
        ) -> JsonSchemaValue:
            function = schema["function"]["function"]
            if function is _param:  # any value; text and numbers within their limits
                most = _number(MAX_MONEY)
                return {"maxLength": MAX_PARAGRAPH_CHARS, "minimum": -most, "maximum": most}
            if function is fields._vat_rate:
                return {"enum": list(fields.VAT_RATES)}
            if function is fields._iso_date:
                return dict(_DATE)
            if function is fields._plain_number:  # the loader gives numbers; text is refused
                return {"type": "number"}
            inner = super().function_before_schema(schema)
            if function in (fields._text, fields._number_as_text) and inner.get("type") == "string":
                return {**inner, "type": ["string", "number"]}  # `inn: 7707083893` is its text
            return inner

        def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
            generated = super().dict_schema(schema)
            if schema.get("keys_schema", {}).get("type") == "int":  # years, as YAML keys
                generated["propertyNames"] = {"pattern": r"^[0-9]+$"}
            return generated

        def encode_default(self, dft: Any) -> Any:
            return _number(dft) if isinstance(dft, Decimal) else super().encode_default(dft)

    return Generator


def _number(value: Decimal) -> int | float:
    """A JSON number: whole when it is one (a bound past float's digits is rounded)."""
    close = float(value)
    return int(close) if close.is_integer() else close


def _tidy(node: Any) -> Any:
    """Drop titles and check's own constraints; name pydantic's left-over bounds."""
    if isinstance(node, list):
        return [_tidy(entry) for entry in node]
    if not isinstance(node, dict):
        return node
    tidy: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "$defs"):
            tidy[key] = {name: _tidy(entry) for name, entry in value.items()}
        elif key in _BOUNDS:
            tidy[_BOUNDS[key]] = _number(Decimal(str(value)))
        elif key not in _DROPPED:
            tidy[key] = _tidy(value)
    if "patternProperties" in tidy:  # a key that does not match is refused, not unchecked
        tidy.setdefault("additionalProperties", False)
    return tidy


def _scalar_forms(defs: dict[str, Any]) -> None:
    """Models a model validator also reads from a scalar: a localized text from one string
    (the same text in both languages), an agreement from the side whose wording it takes."""
    for name in ("Localized", "LocalizedParagraph"):
        if name in defs:
            model = defs[name]
            text = model["properties"]["ru"]["anyOf"][0]
            given = [  # ru or en, and not as null
                {"required": [key], "properties": {key: {**text, "description": described}}}
                for key, described in _descriptions(model).items()
            ]
            defs[name] = _either(text, {**model, "anyOf": given})
    if "Agreement" in defs:
        side = defs["Agreement"]["properties"]["wording"]["anyOf"][0]
        defs["Agreement"] = _either(side, defs["Agreement"])


def _descriptions(model: dict[str, Any]) -> dict[str, str]:
    return {key: entry["description"] for key, entry in model["properties"].items()}


def _either(scalar: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    described = {key: model.pop(key) for key in ("description",) if key in model}
    return {**described, "anyOf": [scalar, model]}
