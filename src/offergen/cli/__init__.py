"""Turn command lines into library calls; the only package that prints or exits.

`base` holds the group and the error mapping; each module beside it adds its commands.
"""

from __future__ import annotations

from . import (  # noqa: F401  (they register their commands)
    documents,
    new,
    records,
    schema,
    send,
    site,
    watch,
    workspace,
)
from .base import EXIT_INTERNAL, EXIT_PROBLEMS, cli

__all__ = ["EXIT_INTERNAL", "EXIT_PROBLEMS", "cli", "main"]


def main() -> None:
    cli(prog_name="offergen")
