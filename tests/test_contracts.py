"""The architecture is checked by a machine: import-linter's contracts in pyproject.toml.

These tests plant a forbidden import in a copy of the package and run the real `lint-imports`
over it, so a contract that silently stopped covering a module would fail here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(binary), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package, the schema folder it links to, and the contracts, outside the checkout."""
    tree = tmp_path_factory.mktemp("contracts")
    shutil.copytree(ROOT / "extractor", tree / "extractor", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copytree(ROOT / "schemas", tree / "schemas")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def planted(copy: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    path = copy / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}  # planted\n", encoding="utf-8")
    try:
        return lint_imports(copy)
    finally:
        path.write_text(original, encoding="utf-8")


def test_the_contracts_hold_on_the_package(copy: Path) -> None:
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    "module",
    [
        "extractor/batch/ratelimit.py",
        "extractor/schemas/meeting_report.py",
        "extractor/cli/base.py",
    ],
)
def test_instructor_anywhere_but_the_clients_breaks_a_contract(copy: Path, module: str) -> None:
    result = planted(copy, module, "import instructor")
    assert result.returncode != 0
    assert "instructor" in result.stdout and "BROKEN" in result.stdout


def test_the_schema_importing_a_higher_layer_breaks_a_contract(copy: Path) -> None:
    result = planted(copy, "extractor/schemas/meeting_report.py", "from extractor import pipeline")
    assert result.returncode != 0
    assert "Layers: lower modules never import higher ones BROKEN" in result.stdout


LONGEST_MODULE = 420  # "about 400 lines": past that a module holds more than one concept


def test_no_module_is_much_longer_than_400_lines() -> None:
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "extractor").rglob("*.py")
        if "schemas" not in path.parts  # the schema is a link to schemas/, counted there
    } | {
        "schemas/meeting_report.py": len(
            (ROOT / "schemas/meeting_report.py").read_text().splitlines()
        )
    }
    assert lengths and max(lengths.values()) > 100  # the walk found the package
    too_long = {name: n for name, n in lengths.items() if n > LONGEST_MODULE}
    assert not too_long, f"split these modules by concept: {too_long}"


PUBLIC_INSTRUCTOR = {"instructor", "instructor.core"}  # instructor.core: its errors and hooks


def test_only_public_instructor_modules_are_imported() -> None:
    imported = set()
    for path in (ROOT / "extractor").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if (
                len(words) > 1
                and words[0] in ("import", "from")
                and words[1].startswith("instructor")
            ):
                imported.add(words[1])
    assert "instructor" in imported  # the scan sees the client's imports
    assert imported <= PUBLIC_INSTRUCTOR, (
        f"internal instructor paths: {imported - PUBLIC_INSTRUCTOR}"
    )
