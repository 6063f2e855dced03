"""Results beside the goals: in-year monitoring (绩效运行监控) and year-end self-evaluation (绩效自评).

departments/<dept>/<year>/results/<project>.yaml records what happened; the approved goals in
projects/ are never edited. load.py reads and matches results to the goals, scoring.py turns them
into the 自评表 score with the rules in rules/scoring.yaml, views.py and documents.py render the
自评表 and 监控表, summary.py aggregates scores for the finance bureau.
"""
