"""Docs stay true to each other: docs/configuration.md carries every backend's
configuration section exactly as its page in docs/backends/ has it, the
README names the two commands that exist, and docs/reliability.md names only
tests that exist."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
BACKENDS = ["zookeeper", "kafka", "kafka_connect", "schema_registry", "doris", "flink",
            "kubernetes"]


def config_section(page):
    match = re.search(r"^## Configuration\n(.*?)(?=^## )", page, re.S | re.M)
    assert match, "no '## Configuration' section"
    return re.sub(r"^### ", "#### ", match.group(1).strip(), flags=re.M)


def test_configuration_md_carries_every_backend_section():
    combined = (ROOT / "docs" / "configuration.md").read_text()
    for backend in BACKENDS:
        page = (ROOT / "docs" / "backends" / f"{backend}.md").read_text()
        assert f"## The `{backend}` section\n\n{config_section(page)}\n" in combined, \
            f"docs/configuration.md is out of step with docs/backends/{backend}.md"


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text()
    for command in re.findall(r"^(scripts/[\w.-]+)", readme, re.M):
        assert (ROOT / command).exists(), command
    assert "scripts/demo.sh" in readme and "scripts/test.sh" in readme
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_reliability_md_names_only_tests_that_exist():
    page = (ROOT / "docs" / "reliability.md").read_text()
    unit_sources = "\n".join(p.read_text() for p in (ROOT / "tests" / "unit").rglob("*.cpp"))
    named = re.findall(r"`([^`]+)`", page)
    checked = 0
    for name in named:
        if "::" in name and name.startswith("tests/"):
            path, test = name.split("::", 1)
            source = (ROOT / path).read_text()
            assert re.search(rf"^def {re.escape(test)}\(", source, re.M), name
            checked += 1
        elif re.fullmatch(r"[A-Z]\w*\.[A-Z]\w*", name):
            suite, test = name.split(".")
            assert re.search(rf"TEST(_F|_P)?\(\s*{suite},\s*{test}\)", unit_sources), name
            checked += 1
    assert checked >= 10
