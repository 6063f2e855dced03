"""Scaffolding: a new workspace (`perfgen init`) and new department and project files (`perfgen new`).

The words of every file live in skeletons/ as commented YAML (Jinja templates), so the wording is
data; the code only fills in ids, years, the department's indicator taxonomy and the template's
spending milestones. Scaffolds never overwrite a file that exists, and every value a person must
supply is a “待填写” placeholder that `perfgen validate` reports with its line
(perfgen.validate.placeholders), so a half-filled file cannot pass as finished.
"""
from perfgen.scaffold.files import ScaffoldReport
from perfgen.scaffold.init import init_workspace
from perfgen.scaffold.new import new_department, new_project

__all__ = ["ScaffoldReport", "init_workspace", "new_department", "new_project"]
