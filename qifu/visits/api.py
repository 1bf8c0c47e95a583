"""/api/v1/visits."""

from ninja import Router

router = Router(tags=["visits"])
