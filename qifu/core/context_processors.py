from typing import Any

from django.conf import settings
from django.http import HttpRequest


def qifu(request: HttpRequest) -> dict[str, Any]:
    return {"ZONE_NAME": settings.ZONE_NAME}
