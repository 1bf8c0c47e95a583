"""/api/v1/safety."""

from ninja import Router

router = Router(tags=["safety"])
