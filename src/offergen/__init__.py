"""offergen: commercial proposals and contract drafts for B2B sales, built from YAML."""

from .build import build
from .errors import OffergenError, Problem, RenderError, ValidationFailed
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
