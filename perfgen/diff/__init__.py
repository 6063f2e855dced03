"""Comparing two versions of a department's goals: `perfgen diff`.

match.py pairs projects and indicators, compare.py builds the plain data of what changed,
chardiff.py and weaker.py judge texts and targets, report.py formats (text, Markdown, HTML, JSON),
redline.py writes the tracked-changes Word document, git.py reads a past revision, and run.py is
the use case the CLI calls. The thresholds and word lists are data: diff.yaml (or rules/diff.yaml
in a workspace).
"""
