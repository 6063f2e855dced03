"""The data model: what a workspace, a department, a year and a project are, independent of files."""
