"""Turn the example workspace into the golden texts under tests/golden/ (`make golden`).

The golden files are the extracted text of every example document; a change of wording
or numbers shows up as a reviewable diff in git.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .conftest import ROOT, copy_workspace, docx_text, pdf_text, run

GOLDEN = Path(__file__).resolve().parent / "golden"


def golden_texts(out_dir: Path) -> dict[str, str]:
    """`{golden file name: text}` for every document under `out_dir`."""
    texts = {}
    for document in sorted(out_dir.glob("*/*")):
        name = f"{document.parent.name}.{document.name}.txt"
        if document.suffix == ".pdf":
            texts[name] = pdf_text(document)
        elif document.suffix == ".docx":
            texts[name] = docx_text(document)
    return texts


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        workspace = copy_workspace(ROOT, Path(scratch) / "ws")
        result = run("-C", workspace, "build")
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            return 1
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.glob("*.txt"):
            old.unlink()
        for name, text in golden_texts(workspace / "out").items():
            (GOLDEN / name).write_text(text + "\n", encoding="utf-8")
            print(f"wrote tests/golden/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
