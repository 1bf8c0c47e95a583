"""Schemas of /api/v1/cockpit. The response is the figures' own frozen dataclasses (`figures.py`):
pydantic validates and documents standard dataclasses directly, so the API, the page and the
monthly report cannot drift apart."""

from ninja import Schema
from pydantic import Field

from qifu.cockpit.figures import CockpitFigures

CockpitOut = CockpitFigures


class CockpitQuery(Schema):
    month: str = Field("", description="A month YYYY-MM (default: the current month, Beijing time).")
