"""Turn the example workspace's review site into the README's picture of the pipeline
page, docs/site-pipeline.png (`make site-screenshot`)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .browser import chromium, missing
from .conftest import ROOT, copy_workspace, run

PICTURE = ROOT / "docs" / "site-pipeline.png"
TODAY = "2026-12-05"  # the day the picture shows the pipeline on


def small_png(png: bytes) -> bytes:
    """The picture in 256 colours: a page of text and flat charts loses nothing visible,
    and the repository carries a third of the bytes."""
    import io

    from PIL import Image  # WeasyPrint's dependency

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(256).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    reason = missing()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        workspace = copy_workspace(ROOT, Path(scratch) / "ws")
        result = run("-C", workspace, "site", "--today", TODAY)
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            return 1
        PICTURE.parent.mkdir(exist_ok=True)
        with chromium(width=1400, height=1560) as browser:
            page = browser.new_page()
            page.goto((workspace / "out" / "site" / "index.html").as_uri())
            shot = page.screenshot()
    PICTURE.write_bytes(small_png(shot))
    print(f"wrote {PICTURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
