"""Automated goal review (绩效目标审核): the mechanical part of what finance reviewers check.

engine.py runs the enabled rules (rules.py, one function per defect) over the loaded model, with
word lists, thresholds, wording and switches from rules/*.yaml (config.py); grading.py suggests
优/良/中/差 per project; report.py prints the result as text, Markdown, HTML or JSON.
"""
from perfgen.review.engine import ReviewOptions, ReviewReport, review

__all__ = ["ReviewOptions", "ReviewReport", "review"]
