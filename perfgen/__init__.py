"""perfgen: budget performance goals (预算绩效目标) kept as YAML, validated and rendered to the official Word layouts."""

__version__ = "0.1.0"
