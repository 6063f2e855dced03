#!/usr/bin/env python3
"""Write a synthetic, valid perfgen workspace of county size, deterministic for a seed.

    python benchmarks/make_workspace.py OUT --departments 100 --projects 20 [--seed 1] [--year 2025]

Text lengths follow the reference documents: goal paragraphs of 60–200 characters, 9 indicators per
project (one per 二级 of the common profile), descriptions of 8–40 characters. Roughly half of the
departments use each of the two layouts' habits (with or without 分项 amounts), all use `hebei`.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

PHRASES = [
    "维护社会稳定", "推进平安建设", "加强基层治理", "化解矛盾纠纷", "开展法治宣传", "保障资金安全", "提升服务水平",
    "落实主体责任", "完善工作机制", "强化督导检查", "做好重点时期维稳工作", "推动网格化服务管理", "加强队伍建设",
    "提高群众满意度", "确保项目按期完成", "规范资金使用", "深化综合治理", "预防减少不稳定因素", "弘扬社会正气",
    "保障机关正常运转", "加快信息化建设", "健全应急处置机制", "开展专项整治行动", "提升群众安全感",
]
NAMES = ["综治工作经费", "信访维稳经费", "见义勇为基金", "法治宣传经费", "社区矫正经费", "网格化管理经费", "平安建设经费",
         "政法网运行维护费", "视频监控维护费", "司法救助经费", "铁路护路联防经费", "禁毒工作经费", "反邪教工作经费",
         "扫黑除恶工作经费", "人民调解经费", "法律顾问经费", "应急处置经费", "宣传教育经费", "队伍培训经费", "办公楼维护经费"]
INDICATORS = [
    ("数量指标", ["开展宣传活动次数", "培训人次", "排查隐患数量"], ["≥3次", "≥100人次", "≥12次"]),
    ("质量指标", ["矛盾纠纷调处率", "资金使用合规率", "任务完成合格率"], ["≥90%", "100%", "≥95%"]),
    ("时效指标", ["资金支付及时率", "任务完成及时率"], ["100%", "≥95%"]),
    ("成本指标", ["项目成本控制", "预算执行率"], ["控制在预算内", "≥90%"]),
    ("经济效益指标", ["节约行政成本", "减少经济损失"], ["有效节约", "逐步减少"]),
    ("社会效益指标", ["社会稳定水平", "群众安全感"], ["持续提升", "≥90%"]),
    ("生态效益指标", ["绿色办公水平", "节能降耗"], ["逐步提高", "≥5%"]),
    ("可持续影响指标", ["长效机制建设", "工作持续开展"], ["持续发挥作用", "长期有效"]),
    ("服务对象满意度指标", ["群众满意度", "服务对象满意度"], ["≥90%", "≥95%"]),
]
COUNTY = "测试县"


def sentence(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < target:
        parts.append(rng.choice(PHRASES))
    return "，".join(parts) + "。"


def q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_yaml(rng: random.Random, dept_no: int, k: int, year: int) -> str:
    name = f"{rng.choice(NAMES)}{k}"
    total = rng.randint(10, 5000) * 1000
    other = rng.choice([0, 0, 0, rng.randint(1, 9) * 1000]) if total > 10000 else 0
    lines = [
        "# yaml-language-server: $schema=../../../../schemas/project.schema.json",
        f"项目名称: {q(name)}",
        f'项目编码: "13{dept_no:04d}{year % 100:02d}P{k:05d}{rng.randint(0, 99999):05d}X"',
        "预算:",
        f'  预算数: "{total}.00"',
        f'  财政资金: "{total - other}.00"',
        f'  其他资金: "{other}.00"',
        f"资金用途: {q(sentence(rng, 30, 120))}",
        "支出计划:",
    ]
    plan = sorted(rng.sample(range(5, 100, 5), 3)) + [100]
    for label, value in zip(["3月底", "6月底", "10月底", "12月底"], plan):
        lines.append(f"  {label}: {value}")
    lines.append("绩效目标:")
    for i in range(rng.randint(1, 3)):
        lines.append(f"  - {q(f'{i + 1}.' + sentence(rng, 30, 100))}")
    lines.append("绩效指标:")
    for level2, names, values in INDICATORS:
        i = rng.randrange(len(names))
        lines += [
            f"  - 二级指标: {level2}",
            f"    三级指标: {q(names[i])}",
            f"    绩效指标描述: {q(sentence(rng, 8, 40))}",
            f"    指标值: {q(values[i if i < len(values) else 0])}",
            f"    指标值确定依据: {rng.choice(['年度工作计划', '省市文件', '历史标准', '行业标准'])}",
        ]
    return "\n".join(lines) + "\n"


def write_workspace(out: Path, departments: int, projects: int, seed: int, year: int) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    ids = [f"dept-{d:03d}" for d in range(1, departments + 1)]
    (out / "perfgen.yaml").write_text(
        "# yaml-language-server: $schema=schemas/workspace.schema.json\n"
        f'标题: "{{年度}}年{COUNTY}部门预算绩效目标汇编"\n印发单位: {COUNTY}财政局\n默认年度: {year}\n'
        f"部门顺序: [{', '.join(ids)}]\n", encoding="utf-8")
    for d, dept_id in enumerate(ids, start=1):
        folder = out / "departments" / dept_id
        (folder / str(year) / "projects").mkdir(parents=True, exist_ok=True)
        name = f"{COUNTY}第{d}局"
        (folder / "department.yaml").write_text(
            "# yaml-language-server: $schema=../../schemas/department.schema.json\n"
            f"名称: {name}\n单位编码: \"{300000 + d}\"\n单位名称: {name}本级\n模板: hebei\n指标体系: common\n",
            encoding="utf-8")
        pids = [f"d{d:03d}-p{k:02d}" for k in range(1, projects + 1)]
        goals = ["# yaml-language-server: $schema=../../../schemas/goals.schema.json", "总体绩效目标:"]
        for i in range(rng.randint(3, 6)):
            goals.append(f"  - {q(f'{i + 1}、' + sentence(rng, 60, 200))}")
        goals.append("分项绩效目标:")
        for pid in pids[: min(len(pids), 8)]:
            goals += [f"  - 标题: {q(sentence(rng, 6, 16).rstrip('。'))}", f"    项目: {pid}",
                      f"    职责描述: {q(sentence(rng, 30, 80))}", f"    绩效目标: {q(sentence(rng, 30, 80))}"]
        goals.append("工作保障措施:")
        for i in range(rng.randint(2, 5)):
            goals.append(f"  - {q(f'{i + 1}.' + sentence(rng, 40, 150))}")
        goals.append(f"项目顺序: [{', '.join(pids)}]")
        (folder / str(year) / "goals.yaml").write_text("\n".join(goals) + "\n", encoding="utf-8")
        for k, pid in enumerate(pids, start=1):
            (folder / str(year) / "projects" / f"{pid}.yaml").write_text(project_yaml(rng, d, k, year), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--departments", type=int, default=100)
    ap.add_argument("--projects", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2025)
    args = ap.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty; choose a new folder", file=sys.stderr)
        return 2
    write_workspace(args.out, args.departments, args.projects, args.seed, args.year)
    print(f"wrote {args.departments} departments × {args.projects} projects to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
