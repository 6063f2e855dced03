"""The command line: a thin click layer mapping options in and errors out.

Every command is a function in its own module under perfgen/cli/ that calls the core library
(which never imports click). Errors: UserError → exit 1 with a Chinese message and hint;
UsageError and click usage problems → exit 2; anything else is a bug → exit 3 (traceback with
--debug).
"""
from __future__ import annotations

import sys


def main() -> None:
    code: int = 0
    try:   # the import too: Ctrl-C while perfgen starts up is an interruption, not a traceback
        from perfgen.cli.app import cli
        code = cli.main(standalone_mode=True, prog_name="perfgen") or 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        code = 130
    try:  # the last of the output: a closed pipe or a full disk is not a bug (exit 1, no traceback)
        sys.stdout.flush()
    except OSError as exc:
        from perfgen.cli.app import report_closed_output
        report_closed_output(exc)
        code = code or 1
    sys.exit(code)
