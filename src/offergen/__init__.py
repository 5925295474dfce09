"""offergen: commercial proposals and contract drafts for B2B sales, built from YAML.

The public names load on first use: `import offergen.check` or `offergen --help` need
not pay for WeasyPrint, which only rendering does.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import OffergenError, Problem, RenderError, ValidationFailed

if TYPE_CHECKING:
    from .build import build
    from .pricing import price_offer
    from .validate import load_workspace
    from .workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "OffergenError",
    "Problem",
    "RenderError",
    "ValidationFailed",
    "Workspace",
    "__version__",
    "build",
    "load_workspace",
    "price_offer",
]

_LAZY = {
    "build": "build",
    "price_offer": "pricing",
    "load_workspace": "validate",
    "Workspace": "workspace",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'offergen' has no attribute {name!r}")
