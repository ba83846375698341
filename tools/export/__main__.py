# Entry point for `python3 -m tools.export` (run from the repository root).
import sys

from .cli import main

sys.exit(main())
