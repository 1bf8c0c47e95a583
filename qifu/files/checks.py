"""System check: attachments are never stored where a web server serves files (IP-6 c)."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


def _public_roots() -> list[Path]:
    # STATICFILES_DIRS entries are paths or (prefix, path) pairs.
    entries: list[Any] = list(settings.STATICFILES_DIRS)
    dirs = [entry[1] if isinstance(entry, list | tuple) else entry for entry in entries]
    roots = [settings.STATIC_ROOT, settings.MEDIA_ROOT, *dirs]
    return [Path(str(root)).resolve() for root in roots if root]


@register(Tags.security)
def check_files_dir(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    files = Path(settings.FILES_DIR).resolve()
    return [
        Error(
            f"FILES_DIR ({files}) overlaps a publicly served directory ({root})",
            hint="Set QIFU_FILES_DIR to a directory outside STATIC_ROOT, MEDIA_ROOT and STATICFILES_DIRS.",
            id="qifu_files.E001",
        )
        for root in _public_roots()
        if files.is_relative_to(root) or root.is_relative_to(files)
    ]
