"""Where what ships with offergen lies: the templates and the example workspace.

A leaf module, so that both the workspace and the renderer can ask.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = "templates"


def shipped(inside: str, in_checkout: str) -> Path:
    """What ships with offergen: inside the package when it is installed from a wheel
    (setup.py copies it there), else where the checkout of an editable install keeps it."""
    package = Path(__file__).resolve().parent
    built = package / inside
    return built if built.exists() else package.parents[1] / in_checkout


# A workspace without its own templates/ folder is built with these; a workspace's own
# labels.yaml lacking a label a newer offergen prints falls back to their wording.
SHIPPED_TEMPLATES = shipped(TEMPLATES_DIR, TEMPLATES_DIR)
