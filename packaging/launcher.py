"""The bundle's entry script: PyInstaller freezes this into the `fertilitytracker` binary."""

import sys

from fertilitytracker.__main__ import main

sys.exit(main())
