"""``python -m naql.cli``."""

import sys

from naql.cli import main

sys.exit(main())
