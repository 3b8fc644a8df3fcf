"""Facts about the code anyone can check (docs/design.md, Layers): imports point inwards only, modules
stay small, and every reference to a document of the repository resolves, anchor included."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2]
PACKAGE = APP / "src" / "mymonit"
REPOSITORY = APP.parents[1]
MAX_MODULE_LINES = 260

# The layers of docs/design.md, innermost first; a package may import its own layer and those inside it.
LAYERS: dict[str, int] = {
    "domain": 0, "config": 0, "logs": 0, "ttl_cache": 0, "__init__": 0,
    "services": 1, "audit": 1,
    "api": 2, "auth": 2, "ingest": 2, "alerting": 2, "rollups": 2, "storage": 2, "web": 2, "producers": 2,
    "access_stamp": 2,
    "container": 3, "bootstrap": 3,
    "cli": 4, "cli_support": 4, "admin_commands": 4, "server": 4,
}
# Inside a layer, the core imports nothing but itself.
OWN_ONLY = {"domain", "services"}
ALLOWED_INSIDE = {"services": {"domain"}, "logs": {"domain"}}


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    """The mymonit packages a module imports (top-level names under mymonit)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "mymonit":
            if node.module == "mymonit":
                found |= {alias.name if alias.name in LAYERS else "__init__" for alias in node.names}
            else:
                found.add(_package_of(node.module))
        elif isinstance(node, ast.Import):
            found |= {_package_of(a.name) for a in node.names if a.name.startswith("mymonit.")}
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_inwards(path: Path) -> None:
    package = _package_of(".".join(("mymonit", *path.relative_to(PACKAGE).with_suffix("").parts)))
    outward = {dst for dst in _imports(path) - {package} if LAYERS[dst] > LAYERS[package]}
    assert not outward, f"{package} imports the outer {sorted(outward)}"
    if package in OWN_ONLY or package in ALLOWED_INSIDE:
        foreign = _imports(path) - {package} - ALLOWED_INSIDE.get(package, set())
        assert not foreign, f"{package} may import only {sorted(ALLOWED_INSIDE.get(package, set()))}: {foreign}"


def test_every_package_has_a_layer() -> None:
    packages = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
                if (p.is_file() and p.suffix == ".py") or (p / "__init__.py").exists()}
    assert packages <= set(LAYERS), sorted(packages - set(LAYERS))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it by responsibility"


_DOC_LINK = re.compile(r"(?<![\w/.-])((?:\.\./)*(?:docs/[\w-]+|[\w/-]*README)\.md)(#[\w-]+)?")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
# "docs/design.md, Permission matrix": a section cited by its heading.
_SECTION = re.compile(r"(docs/[\w-]+\.md), ([A-Z][\w -]*\w)")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def _referring_files() -> list[Path]:
    roots = [APP / "src", APP / "tests", APP / "bench", REPOSITORY / "docs"]
    files = [p for root in roots for p in root.rglob("*") if p.suffix in {".py", ".md"} and p.is_file()]
    return sorted([*files, REPOSITORY / "README.md"])


def test_every_reference_to_a_document_resolves_to_a_file_and_a_heading() -> None:
    broken = []
    for path in _referring_files():
        for match in _DOC_LINK.finditer(path.read_text(encoding="utf-8")):
            target, anchor = match.group(1), match.group(2)
            candidates = [(path.parent / target).resolve(), REPOSITORY / target, APP / target]
            document = next((c for c in candidates if c.is_file()), None)
            if document is None:
                broken.append(f"{path.relative_to(REPOSITORY)}: {target}")
            elif anchor and anchor[1:] not in {_anchor(h) for h in _HEADING.findall(document.read_text("utf-8"))}:
                broken.append(f"{path.relative_to(REPOSITORY)}: {target}{anchor}")
    assert not broken, broken


def test_every_section_cited_by_name_is_a_heading_of_its_document() -> None:
    missing = []
    for path in _referring_files():
        for target, section in _SECTION.findall(path.read_text(encoding="utf-8")):
            headings = {h.strip("` ") for h in _HEADING.findall((REPOSITORY / target).read_text("utf-8"))}
            if section not in headings:
                missing.append(f"{path.relative_to(REPOSITORY)}: {target}, {section}")
    assert not missing, missing
