"""`python -m plx ARGS`: run the installed plx executable with ARGS."""

from __future__ import annotations

import os
import subprocess
import sys

from plx import find_plx_bin


def main() -> None:
    plx = find_plx_bin()
    if sys.platform == "win32":
        # Windows has no exec: os.execv spawns a new process and returns at once, so the
        # caller would see this one's exit status. Wait for plx and pass its status on.
        sys.exit(subprocess.call([plx, *sys.argv[1:]]))
    # Elsewhere, become plx: signals, stdin and the exit status are plx's own.
    os.execv(plx, [plx, *sys.argv[1:]])


if __name__ == "__main__":
    main()
