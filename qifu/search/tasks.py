"""Background jobs of full-text search (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.search.services import MergeResult, search_merge


@db_periodic_task(crontab(minute="*/5"))
def search_merge_periodic() -> MergeResult:
    """Merge the case index's new segments outside the requests (SQLite; nothing on PostgreSQL)."""
    return search_merge()
