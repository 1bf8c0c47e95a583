from pathlib import Path
from typing import Any

import pytest

from qifu.files.scanning import EicarScanner


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Path) -> Path:
    """Every test of this app stores into its own empty directory, with the default limits."""
    path = tmp_path / "files"
    settings.FILES_DIR = path
    settings.UPLOAD_MAX_MB = 20
    settings.FILES_SCANNER = f"{EicarScanner.__module__}.{EicarScanner.__qualname__}"
    return path


def stored_paths(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
