"""Builds collect garbage rarely (commands/gc_tuning.py); the dev server, which lives on
between builds, gets the collector back as it was, whatever the build did."""

from __future__ import annotations

import gc

import pytest

from pln_site.commands.gc_tuning import BUILD_THRESHOLDS, fewer_collections


def test_a_build_collects_rarely_and_the_collector_is_as_it_was_afterwards():
    before = gc.get_threshold()
    assert before != BUILD_THRESHOLDS
    with fewer_collections():
        assert gc.get_threshold() == BUILD_THRESHOLDS
        assert gc.isenabled()  # rarely, not never: a cycle made in a build is still freed
    assert gc.get_threshold() == before


def test_a_build_that_fails_gives_the_collector_back_too():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a template that does not render")
    assert gc.get_threshold() == before


def _exit_zero_if_collecting_rarely(settings: dict) -> int:
    return 0 if gc.get_threshold() == BUILD_THRESHOLDS else 1


def test_the_build_child_collects_rarely_as_invoke_build_started_it():
    """`invoke build` raises the thresholds around the whole command (the member check, then
    Pelican in a forked child): the child is the parent's copy, thresholds included."""
    from pln_site.commands.build import _run_apart

    assert _run_apart(_exit_zero_if_collecting_rarely, {}) == 1  # as the process is by default
    with fewer_collections():
        assert _run_apart(_exit_zero_if_collecting_rarely, {}) == 0
