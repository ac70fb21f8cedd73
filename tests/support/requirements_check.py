"""Optional test tools: skipped when absent on a developer's machine, required under CI."""

from __future__ import annotations

import importlib
import os

import pytest


def require(module: str, install: str):
    """Import `module`, or skip the test (fail it under CI=true) saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is required under CI ({install})")
        pytest.skip(f"{module} is not installed ({install})")
