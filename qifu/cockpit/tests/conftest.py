"""Cockpit fixtures: the assessment's helpers (cases on pinned Beijing dates through the real
services) are reused; `cube_ok` asserts the cube equals a recount of the cases."""

from qifu.assessment.tests.conftest import act, at, filed, handled  # noqa: F401 - shared helpers
from qifu.cockpit.cube import cube_counts, cube_recount


def cube_ok() -> None:
    assert cube_counts() == cube_recount()
