"""The `qifu` console script: Qifu's manage.py (every Django command runs as `qifu COMMAND`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qifu.settings")
    if sys.argv[1:2] == ["demo"]:
        # `qifu demo` is the try-it-out mode: debug keys under QIFU_DATA_DIR and plain HTTP on
        # 127.0.0.1, unless the caller sets them. Settings read these when Django loads, below.
        os.environ.setdefault("QIFU_DEBUG", "1")
        os.environ.setdefault("QIFU_HTTPS", "0")
    if sys.argv[1:2] == ["makemigrations"]:
        # A developer's command: it reads models, never secrets, so it runs without production keys.
        os.environ.setdefault("QIFU_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
