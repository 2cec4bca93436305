"""``python -m sss_fast``: the ``sss-fast`` command line."""

import sys

from .app.cli import main

if __name__ == "__main__":
    sys.exit(main())
