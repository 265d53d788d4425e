"""``python -m supplyroute``."""

import sys

from supplyroute.cli import main

sys.exit(main())
