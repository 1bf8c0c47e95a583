"""The alert state machine as data (STYLE.md §6.2.9): open → done / dismissed, nothing else."""

from qifu.alerts.models import AlertState

ACTIONS = ("done", "dismiss")

# (state, action) -> new state. A pair missing here is an illegal transition (409).
TRANSITIONS: dict[tuple[str, str], str] = {
    (AlertState.OPEN, "done"): AlertState.DONE,
    (AlertState.OPEN, "dismiss"): AlertState.DISMISSED,
}
