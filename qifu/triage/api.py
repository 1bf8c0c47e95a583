"""/api/v1/triage — a category and lead-department suggestion for a text (issue 7 item 2).

`POST /triage` {text}: the desk, department heads and handlers, and leaders (403
`triage_forbidden` for everyone else: enterprises, liaisons, deputies, the three administrators);
422 `triage_empty_text` for blank text. The desk decides: nothing is applied.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from qifu.api import actor_of
from qifu.core.schemas import errors
from qifu.triage.schemas import TriageIn, TriageOut
from qifu.triage.selectors import triage_suggest

router = Router(tags=["triage"])


@router.post("", response={200: TriageOut, **errors()}, summary="Likely category and lead department of a text")
def post_triage(request: HttpRequest, payload: TriageIn) -> dict[str, Any]:
    return triage_suggest(actor=actor_of(request), text=payload.text).as_json()
