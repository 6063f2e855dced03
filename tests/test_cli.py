"""The command line: exit codes 0/1/2, Chinese located messages, never a traceback."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from perfgen.cli.app import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_validate_clean_workspace_exits_0(workspace: Path) -> None:
    r = run("--root", str(workspace), "validate")
    assert r.exit_code == 0, r.output
    assert "没有发现问题" in r.output


def test_validate_reports_every_problem_in_every_file_and_exits_1(workspace: Path) -> None:
    proj = workspace / "departments/demo/2025/projects"
    (proj / "beta.yaml").write_text((proj / "beta.yaml").read_text(encoding="utf-8").replace("资金用途:", "资金用图:"),
                                    encoding="utf-8")
    (proj / "alpha.yaml").write_text("项目名称: [\n", encoding="utf-8")
    (workspace / "departments/demo/2025/goals.yaml").write_bytes("总体绩效目标: 甲\n".encode("gbk"))
    r = run("--root", str(workspace), "validate")
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "departments/demo/2025/projects/beta.yaml:8:1" in r.output and "资金用途" in r.output
    assert "departments/demo/2025/projects/alpha.yaml:" in r.output
    assert "GBK" in r.output
    assert "3 个错误" in r.output


def test_validate_json_format(workspace: Path) -> None:
    beta = workspace / "departments/demo/2025/projects/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace('其他资金: "20000.00"', '其他资金: "1.00"'), encoding="utf-8")
    r = run("--root", str(workspace), "validate", "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.output)
    (f,) = data["findings"]
    assert f["file"] == "departments/demo/2025/projects/beta.yaml" and f["line"] == 5 and f["code"] == "rule.budget-sum"
    assert f["field"] == "项目 › 预算 › 预算数" and f["hint"]


def test_validate_paths_limit_the_report(workspace: Path, monkeypatch) -> None:
    beta = workspace / "departments/demo/2025/projects/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("资金用途:", "资金用图:"), encoding="utf-8")
    monkeypatch.chdir(workspace)
    assert run("validate", "departments/demo/2025/projects/alpha.yaml").exit_code == 0
    assert run("validate", "departments/demo/2025/projects/beta.yaml").exit_code == 1


def test_usage_error_exits_2(workspace: Path) -> None:
    r = CliRunner().invoke(cli, ["--root", str(workspace), "validate", "--format", "xml"])
    assert r.exit_code == 2


def test_missing_departments_folder_is_a_user_error(tmp_path: Path) -> None:
    r = run("--root", str(tmp_path), "validate")
    assert r.exit_code == 1 and "departments/" in r.output and "Traceback" not in r.output


def test_build_refuses_invalid_data_and_keeps_previous_outputs(workspace: Path) -> None:
    assert run("--root", str(workspace), "build", "-q").exit_code == 0
    out = workspace / "build/2025/demo.docx"
    before = out.read_bytes()
    beta = workspace / "departments/demo/2025/projects/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("12月底: 100", "12月底: 90"), encoding="utf-8")
    r = run("--root", str(workspace), "build", "-q")
    assert r.exit_code == 1 and "未生成文档" in r.output and "beta.yaml:9" in r.output
    assert out.read_bytes() == before


def test_build_unknown_department_and_year(workspace: Path) -> None:
    r = run("--root", str(workspace), "build", "--dept", "nope")
    assert r.exit_code == 1 and "没有部门“nope”" in r.output
    r = run("--root", str(workspace), "build", "--year", "2019")
    assert r.exit_code == 1 and "2019" in r.output


def test_every_command_has_help_with_an_example() -> None:
    for name, _command in cli.commands.items():
        r = run(name, "--help")
        assert r.exit_code == 0
        assert "示例" in r.output, name


def test_cli_option_lists_match_the_core() -> None:
    """The CLI keeps small copies of option lists so it starts without importing the core."""
    from perfgen.cli import diff_cmd, review_cmd
    from perfgen.diff.report import FORMATS as diff_formats
    from perfgen.review.config import SEVERITY_WORDS
    from perfgen.review.report import FORMATS as review_formats
    assert diff_cmd.FORMATS == diff_formats
    assert review_cmd.FORMATS == review_formats
    assert review_cmd.SEVERITY_WORDS == SEVERITY_WORDS


def test_cli_starts_without_importing_the_heavy_core() -> None:
    import subprocess
    import sys
    code = ("import sys, perfgen.cli; heavy = [m for m in ('docxtpl', 'docx', 'jsonschema', 'perfgen.review.engine',"
            " 'perfgen.diff.compare', 'perfgen.importer.run', 'openpyxl') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    assert out == "[]"


def test_ctrl_c_while_perfgen_starts_is_said_in_chinese(monkeypatch, capsys) -> None:
    """Ctrl-C in the first tenth of a second (while click and the commands are imported) printed
    Python's KeyboardInterrupt traceback; it is an interruption like any other."""
    import sys
    import types

    import pytest

    from perfgen.cli import main

    class Starting(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "perfgen.cli.app", Starting("perfgen.cli.app"))
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 130
    err = capsys.readouterr().err
    assert "已中断" in err and "Traceback" not in err and "KeyboardInterrupt" not in err
