"""Who sees which alert (access.scopes.scope_alerts), as a matrix over the cast: role × alert.

Decided: liaisons see the alerts assigned to them and those of the enterprises they see; the desk
and leaders all; department staff none (even of a task-force enterprise: an alert is the liaison's
proactive task); enterprise users and the three administrators none.
"""

import pytest

from qifu.access.scopes import scope_alerts
from qifu.alerts.models import Alert, AlertKind
from qifu.alerts.services import alerts_scan
from qifu.alerts.tests.conftest import TODAY, set_rules

EVERY = {"milestone_a", "indicator_a", "indicator_orphan"}
SEES = {
    "desk": EVERY,
    "leader": EVERY,
    "liaison_a": {"milestone_a", "indicator_a"},
    "liaison_b": set(),
    "deputy": set(),
    "jfj_handler": set(),
    "jfj_head": set(),
    "kjj_handler": set(),  # a member of A's task force: still none
    "kjj_head": set(),
    "ent_a": set(),
    "ent_b": set(),
    "sysadmin": set(),
    "secadmin": set(),
    "auditor": set(),
}


@pytest.fixture
def alerts(cast, revenue_world, orphan):
    set_rules(cast, ("revenue_yoy", "lte", "-0.3"))
    alerts_scan(today=TODAY)
    names = {}
    for a in Alert.objects.all():
        who = "a" if a.enterprise_id == cast.a.pk else "orphan"
        names[a.pk] = f"{'milestone' if a.kind == AlertKind.MILESTONE else 'indicator'}_{who}"
    assert set(names.values()) == EVERY
    return names


@pytest.mark.parametrize("who", sorted(SEES))
def test_scope_matrix(cast, alerts, who, api_as):
    # when
    seen = {alerts[pk] for pk in scope_alerts(cast.actor(getattr(cast, who))).values_list("pk", flat=True)}

    # then
    assert seen == SEES[who]
    # and the API agrees: the list, and 404 for every alert outside the scope
    api = api_as(getattr(cast, who))
    listed = api.get("/api/v1/alerts", {"state": "all"})
    assert listed.status_code == 200
    assert {alerts[row["id"]] for row in listed.json()["items"]} == SEES[who]
    for pk, name in alerts.items():
        status = api.get(f"/api/v1/alerts/{pk}").status_code
        assert status == (200 if name in SEES[who] else 404), (who, name)
