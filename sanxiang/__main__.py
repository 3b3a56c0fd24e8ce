"""The ``sanxiang`` console command: the operators' front to the management commands."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command, e.g. ``sanxiang migrate`` or ``sanxiang demo_data``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
