"""What a newcomer checks first: the version, the exit codes, the licence, the changelog and CI."""

from __future__ import annotations

import re
import tomllib

import yaml
from typer.testing import CliRunner

from extractor import cli
from extractor.cli import base as app_module
from tests.conftest import ROOT

runner = CliRunner()


def test_version_matches_the_package() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"extractor {version}\n"


def test_exit_codes_are_documented_where_users_look() -> None:
    codes = {*app_module.EXIT_CODES.values(), 0, 1, 2, app_module.EXIT_FAILURE,
             app_module.EXIT_BUDGET, app_module.EXIT_INTERRUPTED}  # fmt: skip
    help_text = " ".join(runner.invoke(cli.app, ["--help"]).stdout.split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}
    assert documented == codes
    for code in codes:
        assert re.search(rf"[:;] {code} \w", help_text), code


def test_licence_matches_pyproject() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert declared["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_changelog_has_an_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in changelog
    unreleased = changelog.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    assert "### Fixed" in unreleased


def test_ci_runs_the_whole_ci_script_on_every_push_and_pull_request() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "pull_request"}
    assert triggers["push"] is None and triggers["pull_request"] is None  # no path filter
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "bash .ci/run" in steps
