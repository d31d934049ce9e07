"""``python -m banli``: the same command as the ``banli`` console script."""

import sys

from banli.cli import main

sys.exit(main())
