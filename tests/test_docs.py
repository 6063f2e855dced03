"""The user guide stays true: generated pages equal what the data gives (as sqlite-utils checks its
CLI reference), every schema title and rule is documented, links resolve, every command the guide
names exists, and every command's --help ends with worked examples."""
from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
import yaml
from conftest import ROOT

from perfgen import docsgen, resources
from perfgen.cli.app import cli
from perfgen.errors import UserError

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return docsgen.pages(ROOT)


@pytest.mark.parametrize("name", docsgen.names())
def test_generated_page_is_current(name: str, generated: dict[str, str]) -> None:
    committed = DOCS / name
    assert committed.exists(), f"docs/{name} is missing: run `perfgen docs`"
    assert committed.read_text(encoding="utf-8") == generated[name], \
        f"docs/{name} is out of date with the data it is generated from: run `perfgen docs` and commit the result"


def _titles(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for sub in node.get("properties", {}).values():
            if isinstance(sub, dict) and "title" in sub:
                found.add(sub["title"])
        for v in node.values():
            found |= _titles(v)
    elif isinstance(node, list):
        for v in node:
            found |= _titles(v)
    return found


def test_every_property_of_every_schema_is_in_the_field_reference(generated: dict[str, str]) -> None:
    page = generated["字段说明.md"]
    for kind in resources.SCHEMA_KINDS:
        schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        titles = _titles(schema)
        assert titles
        assert [t for t in sorted(titles) if f"**{t}**" not in page] == [], kind
        for key in schema["properties"]:
            assert f"### {key}\n" in page, key
    assert "### 绩效指标 › 指标值\n" in page and "### 预算 › 预算数\n" in page  # nested fields too


def test_every_profile_and_rule_is_documented(generated: dict[str, str]) -> None:
    for path in sorted((ROOT / "profiles").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert f"`指标体系: {path.stem}`" in generated["指标分类.md"]
        for level in data["一级指标"]:
            assert all(l2 in generated["指标分类.md"] for l2 in level["二级指标"])
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        rules = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("规则") or {}
        for rule_id in rules if isinstance(rules, dict) else []:
            assert f"`review.{rule_id}`" in generated["审核规则.md"], rule_id


def test_common_errors_show_real_messages_with_their_fix(generated: dict[str, str]) -> None:
    page = generated["常见错误.md"]
    for code in ("yaml.tab", "yaml.fullwidth-colon", "schema.unknown-key", "rule.budget-sum",
                 "placeholder.unfilled"):
        assert f"`{code}`" in page, code
    assert page.count("**怎么改：**") == page.count("perfgen 显示：") >= 25
    assert "perfgen-docs-" not in page  # no temporary path from the machine that built it


def test_docs_outside_the_source_tree_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="源码"):
        docsgen.pages(tmp_path)


def _markdown_files() -> list[Path]:
    return sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]


@pytest.mark.parametrize("page", _markdown_files(), ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def _commands(group: click.Group = cli, prefix: str = "perfgen") -> dict[str, click.Command]:
    """Every command by its full name ("perfgen new project"), groups included."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        found[full] = command
        if isinstance(command, click.Group):
            found |= _commands(command, full)
    return found


def test_the_guide_names_only_commands_that_exist() -> None:
    known = _commands()
    for page in sorted(DOCS.glob("*.md")):
        if page.name == "ARCHITECTURE.md":  # for contributors, in English
            continue
        text = page.read_text(encoding="utf-8")
        for words in re.findall(r"(?<![\w.-])perfgen((?: [a-z][a-z-]*){1,2})", text):
            parts = words.split()
            name = "perfgen " + parts[0]
            assert name in known, f"{page.name} mentions `{name}`"
            if isinstance(known[name], click.Group) and len(parts) > 1:
                assert f"{name} {parts[1]}" in known, f"{page.name} mentions `{name} {parts[1]}`"


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_ending_with_worked_examples(name: str) -> None:
    from click.testing import CliRunner
    r = CliRunner().invoke(cli, name.split()[1:] + ["--help"])
    assert r.exit_code == 0, r.output
    assert "示例：" in r.output, f"`{name} --help` has no 示例： block"
    examples = r.output.split("示例：", 1)[1]
    command = name if not isinstance(_commands()[name], click.Group) else name + " "
    assert any(line.strip().startswith(command) for line in examples.splitlines()), \
        f"`{name} --help` 示例 shows no worked example of `{name}`"


def test_pre_commit_hooks_run_existing_commands_on_the_whole_workspace() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = [h["id"] for h in hooks]
    assert ids == ["perfgen-validate", "perfgen-review"]
    known = _commands()
    for hook in hooks:
        words = hook["entry"].split()
        assert " ".join(words[:2]) in known, hook["entry"]
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert re.search(hook["files"], "departments/yutian-zfw/2025/projects/saohei-chue.yaml")
    assert "review --strict" in hooks[1]["entry"]
    assert all(i in (DOCS / "年度流程.md").read_text(encoding="utf-8") for i in ids)


def test_readme_points_to_the_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/README.md)" in readme and "](docs/快速开始.md)" in readme
