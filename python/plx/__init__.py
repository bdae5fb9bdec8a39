"""The plx command-line tool, packaged as a wheel.

The wheel's real content is the compiled `plx` executable, installed as a script; this
package only exists so that `python -m plx` finds and runs it.
"""

from __future__ import annotations

import os
import sys
import sysconfig

__all__ = ["find_plx_bin"]


def find_plx_bin() -> str:
    """Return the path of the `plx` executable installed with this package."""
    exe = "plx" + (sysconfig.get_config_var("EXE") or "")
    candidates = [
        # A normal install (venv, pipx, uv tool, system): the scheme's scripts directory.
        os.path.join(sysconfig.get_path("scripts"), exe),
        # `pip install --user`: the user scheme's scripts directory.
        os.path.join(sysconfig.get_path("scripts", scheme=_user_scheme()), exe),
        # `pip install --target DIR`: scripts land in DIR/bin, beside the package.
        os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bin", exe),
    ]
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("the plx executable is not installed; looked in: " + ", ".join(candidates))


def _user_scheme() -> str:
    # get_preferred_scheme exists from Python 3.10; before that, name the scheme by hand.
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"
