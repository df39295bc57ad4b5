"""Run tray's benchmarks: ``python bench/run.py [--all | --smoke | --help]``.

A thin entry point so the documented command works from a checkout without installing
``bench``: it puts the repository root on ``sys.path`` and hands over to ``bench.cli``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
