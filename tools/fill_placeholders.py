"""Turn the "<…>" placeholders of a workspace's YAML files into valid values, as a user
filling them in would: for the wheel check in CI (tools/wheel_check.sh) and the tests.

    python tools/fill_placeholders.py WORKSPACE

Each placeholder is replaced by a value chosen by its key (a valid ИНН for `inn`, …);
a key not listed gets plain text. Prints the files it changed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# Valid requisites (checksums included) of a made-up Moscow company and its bank.
VALUES = {
    "inn": '"7707083893"',
    "kpp": '"773601001"',
    "ogrn": '"1027700132195"',
    "bik": '"044525225"',
    "account": '"40702810938000000001"',
    "corr_account": '"30101810400000000225"',
    "email": "sales@example.ru",
    "phone": "+7 495 000-00-00",
    "address": "121099, г. Москва, ул. Примерная, д. 1",
    "name": "Иванов Иван Иванович",
    "position": "Генеральный директор",
    "basis": "Устава",
    "sku": "pump-cn100",
    "qty": "1",
}
# An entrepreneur's: the placeholder asks for 12 (ИНН) or 15 (ОГРНИП) digits.
BY_LENGTH = {("inn", "12"): '"500100732259"', ("ogrn", "15"): '"304500116000157"'}
PLAIN_TEXT = "Текст"
_PLACEHOLDER = re.compile(
    r'^(?P<head>\s*(?:-\s+)?(?P<key>[\w-]+):\s*)"<(?P<asked>[^"\n]*)>"', re.MULTILINE
)


def _value(match: re.Match[str]) -> str:
    digits = re.search(r"\d+", match["asked"])
    by_length = BY_LENGTH.get((match["key"], digits.group() if digits else ""))
    return match["head"] + (by_length or VALUES.get(match["key"], PLAIN_TEXT))


def fill(text: str) -> str:
    return _PLACEHOLDER.sub(_value, text)


def main(root: Path) -> None:
    for path in sorted(root.rglob("*.yaml")):
        text = path.read_text("utf-8")
        filled = fill(text)
        if filled != text:
            path.write_text(filled, "utf-8")
            print(path.relative_to(root))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
