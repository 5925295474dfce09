"""offergen: commercial proposals and contract drafts for B2B sales, built from YAML.

The public names load on first use: `import offergen.check` or `offergen --help` need
not pay for WeasyPrint, which only rendering does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import OffergenError, Problem, RenderError, ValidationFailed
from .lazy import lazy_names

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

__getattr__ = lazy_names(
    __name__,
    {
        "build": "build",
        "price_offer": "pricing",
        "load_workspace": "validate",
        "Workspace": "workspace",
    },
)
