"""docs/指标分类.md: the indicator taxonomies (指标体系) of profiles/*.yaml, side by side."""
from __future__ import annotations

from pathlib import Path

from perfgen import yamlsource
from perfgen.docsgen import header
from perfgen.model.taxonomy import Taxonomy, taxonomy_from_data


def load(source: Path) -> list[tuple[Taxonomy, str]]:
    """Every profile with its 说明, in file-name order."""
    result = []
    for path in sorted((source / "profiles").glob("*.yaml")):
        doc, _ = yamlsource.read(path, f"profiles/{path.name}")
        if doc is None or not isinstance(doc.data, dict):
            continue
        result.append((taxonomy_from_data(path.stem, doc.data), str(doc.data.get("说明", ""))))
    return result


def page(source: Path) -> str:
    profiles = load(source)
    out = [header("指标分类", "profiles/*.yaml") +
           "绩效指标分三级：一级、二级指标从固定的分类中选，三级指标是具体衡量什么（自由填写）。"
           "各地、各年度的分类不完全相同，perfgen 把每种分类写成一个“指标体系”文件（profiles/ 下），"
           "部门在 department.yaml 中用“指标体系”选定一种。项目文件中只写二级指标，一级指标由指标体系自动确定；"
           "写了一级指标时，必须与指标体系一致。\n",
           "要用新的分类，在工作区建 profiles/<名称>.yaml（格式同下，可复制一个再改），"
           "然后在 department.yaml 中写 `指标体系: <名称>`。\n",
           "## 对照表\n",
           "每行是一个二级指标，每列是一种指标体系，格中是它所属的一级指标（空格表示该体系没有这个二级指标）。\n"]
    names = []
    for tax, _ in profiles:
        for l2 in tax.level2_names:
            if l2 not in names:
                names.append(l2)
    out.append("| 二级指标 | " + " | ".join(f"{tax.title}（`{tax.name}`）" for tax, _ in profiles) + " |")
    out.append("|---|" + "---|" * len(profiles))
    for l2 in names:
        out.append(f"| {l2} | " + " | ".join(tax.level1_of(l2) or "" for tax, _ in profiles) + " |")
    out.append("")
    for tax, note in profiles:
        out += [f"## {tax.title}\n", f"在 department.yaml 中写：`指标体系: {tax.name}`（文件 profiles/{tax.name}.yaml）。\n"]
        if note:
            out.append(note + "\n")
        out += ["| 一级指标 | 二级指标 |", "|---|---|"]
        for l1, l2s in tax.levels:
            out.append(f"| {l1} | {'、'.join(l2s)} |")
        out.append("")
        if tax.aliases:
            out += ["也认得下面的写法（别名）：\n", "| 写成 | 按此处理 |", "|---|---|"]
            out += [f"| {alias} | {target} |" for alias, target in tax.aliases.items()]
            out.append("")
        out.append("二级指标也可以省略末尾的“指标”二字，例如写“数量”等同于“数量指标”。\n")
    return "\n".join(out).rstrip("\n") + "\n"
