"""`python -m offergen.cli`."""

from . import main

main()
