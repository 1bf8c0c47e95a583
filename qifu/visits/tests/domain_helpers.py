"""Shared helpers of the visits domain tests (not a conftest: the pages' tests keep theirs)."""

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.cases.models import Case
from qifu.conftest import Cast
from qifu.enterprises.models import Enterprise
from qifu.files.models import StoredFile
from qifu.linkage.models import Linkage
from qifu.notify.models import Notification
from qifu.visits import models as m
from qifu.visits.services import visit_log

BJ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=BJ)


def at(y: int, mo: int, d: int, h: int = 10) -> datetime:
    return datetime(y, mo, d, h, tzinfo=BJ)


def backdate_links(day: date = date(2025, 1, 1)) -> None:
    """The cast's links start 'today'; visits in the tests lie before that."""
    Linkage.objects.update(started_on=day)


def log(cast: Cast, who: str = "liaison_a", enterprise: Enterprise | None = None, **kw: Any) -> m.Visit:
    args: dict[str, Any] = {
        "visited_at": at(2026, 11, 10),
        "kind": m.VisitKind.ROUTINE,
        "learnt": {"production": "满负荷生产"},
        "now": NOW,
        **kw,
    }
    return visit_log(actor=Actor.of(getattr(cast, who)), enterprise=enterprise or cast.a, **args)


def jpeg_with_exif(size: tuple[int, int] = (3200, 1800)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def photo(name: str = "site.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else jpeg_with_exif(), content_type="image/jpeg")


COUNTED = (
    m.Visit,
    m.VisitParticipant,
    m.VisitPhoto,
    m.VisitCase,
    m.Contact,
    m.ContactMonth,
    m.CoverageCell,
    m.CoverageTotal,
    m.PlannedVisit,
    Case,
    StoredFile,
    Notification,
    AuditEntry,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}
