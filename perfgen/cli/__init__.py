"""The command line: a thin click layer mapping options in and errors out.

Every command is a function in its own module under perfgen/cli/ that calls the core library
(which never imports click). Errors: UserError → exit 1 with a Chinese message and hint;
UsageError and click usage problems → exit 2; anything else is a bug → exit 3 (traceback with
--debug).
"""
from __future__ import annotations

import sys

from perfgen.cli.app import cli


def main() -> None:
    sys.exit(cli.main(standalone_mode=True, prog_name="perfgen") or 0)
