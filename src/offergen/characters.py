"""Turn input text into text a document can hold: NFC-normalised, no control characters.

One rule for every text a workspace file gives, whether it was typed raw or written as a
YAML escape (`"\\x01"`, `"\\0"`, `"\\ud800"`): tab and line break are the only control
characters allowed; C0 and C1 controls, DEL, U+FFFE, U+FFFF and lone surrogates are
refused, since neither a DOCX (XML) nor a PDF can hold them. Text is normalised to NFC, so
"й" typed as "и" plus a combining breve is the letter the declension rules know.
"""

from __future__ import annotations

import re
import unicodedata

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """`text` in NFC; `ValueError` naming the first character no document can hold."""
    found = FORBIDDEN.search(text)
    if found is not None:
        raise ValueError(forbidden_message(text, found.start()))
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def forbidden_message(text: str, index: int) -> str:
    code = ord(text[index])
    if 0xD800 <= code <= 0xDFFF:
        what = "half of a surrogate pair"
    elif code in (0xFFFE, 0xFFFF):
        what = "not a character"
    else:
        what = "a control character"
    return (
        f"has U+{code:04X}, {what}, at character {index + 1}: documents cannot hold it; remove it"
    )


def shown(text: str) -> str:
    """`text` fit for a message: every forbidden character written as its escape."""
    return FORBIDDEN.sub(lambda match: _escape(match.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
