"""Where the project, the real-world feed corpus live."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# The same place the tests look for it: a sibling folder of the project.
CORPUS = PROJECT.parent / "shared" / "corpus" / "feeds"
RESULTS = Path(__file__).resolve().parent / "results"
