from pathlib import Path
from typing import Any

from qifu.files.checks import check_files_dir


def test_the_default_files_dir_is_outside_static_and_media() -> None:
    from qifu import settings as production

    assert not production.FILES_DIR.is_relative_to(production.STATIC_ROOT)
    assert not production.FILES_DIR.is_relative_to(production.MEDIA_ROOT)
    assert production.FILES_DIR == production.DATA_DIR / "files"


def test_the_check_passes_for_a_private_directory(settings: Any, tmp_path: Path) -> None:
    settings.FILES_DIR = tmp_path / "private"
    assert check_files_dir(None) == []


def test_the_check_refuses_a_files_dir_inside_static_root(settings: Any) -> None:
    settings.FILES_DIR = Path(settings.STATIC_ROOT) / "uploads"
    assert [e.id for e in check_files_dir(None)] == ["qifu_files.E001"]


def test_the_check_refuses_a_files_dir_inside_a_static_source_dir(settings: Any) -> None:
    settings.FILES_DIR = Path(settings.STATICFILES_DIRS[0]) / "files"
    assert [e.id for e in check_files_dir(None)] == ["qifu_files.E001"]
