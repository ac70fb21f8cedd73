"""Where the project, its plugins and the real-world feed corpus live."""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PLUGINS = PROJECT / "plugins"
# The same place the tests look for it: a sibling folder of the project.
CORPUS = PROJECT.parent / "shared" / "corpus" / "feeds"
RESULTS = Path(__file__).resolve().parent / "results"


def use_plugins() -> None:
    """Make the plugins importable as top-level packages, as Pelican and pytest do."""
    for path in (str(PLUGINS), str(PROJECT)):
        if path not in sys.path:
            sys.path.insert(0, path)
