"""The GitHub Actions workflow: valid YAML, real actions with versions, the steps in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.support.project import PROJECT

WORKFLOW = PROJECT / ".github" / "workflows" / "site.yml"
# The actions the workflow may use, and the major versions known to exist.
KNOWN_ACTIONS = {
    "actions/checkout": {"v4", "v5", "v6"},
    "actions/setup-python": {"v5", "v6"},
    "actions/cache": {"v4", "v5"},
    "actions/cache/restore": {"v4", "v5"},
    "actions/configure-pages": {"v5"},
    "actions/upload-pages-artifact": {"v3", "v4"},
    "actions/deploy-pages": {"v4"},
    "peter-evans/create-pull-request": {"v6", "v7"},
}


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def runs(workflow: dict, job: str) -> list[str]:
    return [step["run"] for step in steps(workflow, job) if "run" in step]


def test_it_runs_on_push_on_a_schedule_and_by_hand(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    [schedule] = triggers["schedule"]
    assert re.fullmatch(r"[\d*/,-]+( [\d*/,-]+){4}", schedule["cron"])
    assert "workflow_dispatch" in triggers


def test_every_action_is_a_known_one_with_a_version(workflow):
    used = [
        step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step
    ]
    assert used
    for reference in used:
        name, _, version = reference.partition("@")
        assert name in KNOWN_ACTIONS, reference
        assert version in KNOWN_ACTIONS[name], reference


def test_tests_run_first_then_fetch_and_build_then_deploy(workflow):
    jobs = workflow["jobs"]
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy"]["needs"] == "build"
    assert any("pytest" in command for command in runs(workflow, "test"))
    build = runs(workflow, "build")
    fetch = next(i for i, c in enumerate(build) if c.startswith("invoke fetch"))
    site = next(i for i, c in enumerate(build) if c.startswith("invoke build"))
    assert fetch < site
    assert all("-s publishconf.py" in build[i] for i in (fetch, site))


def test_the_store_is_cached_under_a_key_that_changes_every_run(workflow):
    build = steps(workflow, "build")
    [cache] = [s for s in build if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == "cache"  # the folder of PLANET_STORE_PATH's default
    assert "${{ github.run_id }}" in cache["with"]["key"]
    prefix = cache["with"]["restore-keys"].strip()
    assert cache["with"]["key"].startswith(prefix)
    order = [s.get("uses", s.get("run", "")) for s in build]
    assert order.index(cache["uses"]) < next(
        i for i, s in enumerate(order) if s.startswith("invoke fetch")
    )


def test_the_store_path_default_is_in_the_cached_folder():
    from pln_site.settings import DEFAULTS

    assert Path(DEFAULTS["PLANET_STORE_PATH"]).parts[0] == "cache"


def test_it_deploys_the_output_folder_to_pages(workflow):
    [upload] = [s for s in steps(workflow, "build") if "upload-pages-artifact" in s.get("uses", "")]
    assert upload["with"]["path"] == "output"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])
    assert workflow["permissions"] == {"contents": "read"}


def step_index(steps: list[dict], starts: str) -> int:
    """The position of the first step that uses an action or runs a command starting so."""
    return next(
        i
        for i, step in enumerate(steps)
        if step.get("uses", step.get("run", "")).startswith(starts)
    )


def test_feed_fixes_follow_the_fetch_and_become_a_pull_request(workflow):
    job = workflow["jobs"]["feed-fixes"]
    assert job["needs"] == "build"  # after the fetch, with the store it saved
    fixes = job["steps"]
    restore = step_index(fixes, "actions/cache/restore@")
    run = step_index(fixes, "invoke fix-feeds")
    propose = step_index(fixes, "peter-evans/create-pull-request@")
    assert step_index(fixes, "actions/checkout@") < restore < run < propose
    [cache] = [
        s for s in steps(workflow, "build") if s.get("uses", "").startswith("actions/cache@")
    ]
    assert fixes[restore]["with"]["key"] == cache["with"]["key"], "this run's store, not an older"
    assert fixes[restore]["with"]["path"] == cache["with"]["path"]
    assert "-s publishconf.py" in fixes[run]["run"]
    pull_request = fixes[propose]["with"]
    assert pull_request["add-paths"].startswith("content/network/")
    assert pull_request["branch"] not in ("main", "master") and "base" not in pull_request
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_no_step_commits_or_pushes_to_main(workflow):
    commands = [c for job in workflow["jobs"] for c in runs(workflow, job)]
    assert not [c for c in commands if "git push" in c or "git commit" in c]
    writers = [
        name for name, job in workflow["jobs"].items() if "write" in str(job.get("permissions"))
    ]
    assert sorted(writers) == ["deploy", "feed-fixes"]  # pages, and the pull request
    assert "permissions" not in workflow["jobs"]["build"], "the build job reads only"


def test_the_site_is_built_from_mains_files_alone(workflow):
    build = runs(workflow, "build")
    assert not [c for c in build if c.startswith("invoke fix-feeds")]
    assert "feed-fixes" not in str(workflow["jobs"]["deploy"]["needs"])
