"""Turn `offergen new` commands into new workspace files: a client card, an offer."""

from __future__ import annotations

from .client import new_client
from .offer import NewOffer, new_offer

__all__ = ["NewOffer", "new_client", "new_offer"]
