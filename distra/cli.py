"""The `distra` command: Distra's own commands (serve, worker, scheduler, seed, createuser) and
every Django management command, with Distra's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "distra.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "distra"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
