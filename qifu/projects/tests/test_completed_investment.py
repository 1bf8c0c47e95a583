"""累计完成投资 is the sum of a project's monthly investment after every write: import, re-import,
a corrected import, the API upsert; a direct edit of the figure is refused once months are reported."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qifu.audit.models import AuditEntry
from qifu.indicators.importing import investment_import
from qifu.indicators.tests.helpers import csv_file
from qifu.projects.models import Project
from qifu.projects.services import ProjectData, project_completed_sync, project_create
from qifu.projects.tests.helpers import invest

HEADERS = ["项目编号", "月份", "当月完成投资(万元)"]


def _completed(code: str) -> Decimal:
    return Project.objects.values_list("completed_investment", flat=True).get(code=code)


def _import(cast, rows: list[list[str]]):
    return investment_import(actor=cast.actor(cast.desk), file=csv_file(rows, headers=HEADERS), filename="投资.csv")


def test_import_re_import_and_correction_keep_the_sum(cast):
    # given A had 0 and B had 0 registered
    rows = [["XM-2026-001", "2026-01", "300"], ["XM-2026-001", "2026-02", "150.5"], ["XM-2026-002", "2026-02", "20"]]
    # when imported
    assert _import(cast, rows).created == 3
    # then
    assert (_completed("XM-2026-001"), _completed("XM-2026-002")) == (Decimal("450.50"), Decimal(20))
    # when the same file comes again: nothing changes
    again = _import(cast, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _completed("XM-2026-001") == Decimal("450.50")
    # when February is corrected and March added
    fixed = _import(cast, [["XM-2026-001", "2026-02", "100"], ["XM-2026-001", "2026-03", "1"]])
    assert (fixed.created, fixed.updated) == (1, 1)
    assert (_completed("XM-2026-001"), _completed("XM-2026-002")) == (Decimal(401), Decimal(20))


def test_a_cleared_month_counts_nothing(cast):
    invest(cast.actor(cast.desk), [("XM-2026-001", "2026-01", "300"), ("XM-2026-001", "2026-02", "50")])
    invest(cast.actor(cast.desk), [("XM-2026-001", "2026-02", None)])
    assert _completed("XM-2026-001") == Decimal(300)


def test_a_rejected_import_changes_nothing(cast):
    _import(cast, [["XM-2026-001", "2026-01", "300"]])
    report = _import(cast, [["XM-2026-001", "2026-01", "999"], ["XM-NOPE", "2026-01", "1"]])
    assert report.rejected
    assert _completed("XM-2026-001") == Decimal(300)


def test_api_upsert_keeps_the_sum(cast, api_as):
    client = api_as(cast.liaison_a)  # A's liaison reports for A
    body = [{"project_code": "XM-2026-001", "month": "2026-01", "invested": "120"}]
    assert client.put("/api/v1/indicators/investment", body).json() == {"created": 1, "updated": 0, "unchanged": 0}
    body = [
        {"project_code": "XM-2026-001", "month": "2026-01", "invested": "100"},
        {"project_code": "XM-2026-001", "month": "2026-02", "invested": "80.25"},
    ]
    assert client.put("/api/v1/indicators/investment", body).json() == {"created": 1, "updated": 1, "unchanged": 0}
    assert _completed("XM-2026-001") == Decimal("180.25")
    # and the project API reports the same figure
    assert client.get("/api/v1/projects/XM-2026-001").json()["completed_investment"] == "180.25"


def test_api_upsert_refuses_a_project_outside_the_liaisons_reach(cast, api_as):
    client = api_as(cast.liaison_a)  # creating its token is audited
    audits = AuditEntry.objects.count()
    response = client.put(
        "/api/v1/indicators/investment", [{"project_code": "XM-2026-002", "month": "2026-01", "invested": "5"}]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "indicator_unknown_project"
    assert _completed("XM-2026-002") == Decimal(0)
    assert AuditEntry.objects.count() == audits


def test_a_direct_edit_is_refused_once_months_are_reported(cast, api_as):
    client = api_as(cast.desk)
    # before any month: the registered figure may be edited
    assert client.patch("/api/v1/projects/XM-2026-001", {"completed_investment": "10"}).status_code == 200
    invest(cast.actor(cast.desk), [("XM-2026-001", "2026-01", "300")])
    assert _completed("XM-2026-001") == Decimal(300)
    # when
    response = client.patch("/api/v1/projects/XM-2026-001", {"completed_investment": "999"})
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "project_investment_reported"
    assert _completed("XM-2026-001") == Decimal(300)
    # other fields still change
    assert client.patch("/api/v1/projects/XM-2026-001", {"major": True}).json()["major"] is True


def test_the_sync_is_set_wise(cast):
    # given 30 more projects
    desk = cast.actor(cast.desk)
    codes = [
        project_create(
            actor=desk,
            enterprise=cast.b,
            data=ProjectData(code=f"XM-S-{i:02d}", name=f"项目{i}", total_investment=Decimal(1)),
        ).code
        for i in range(30)
    ]
    with CaptureQueriesContext(connection) as one:
        invest(desk, [("XM-2026-001", "2026-01", "1")])
    with CaptureQueriesContext(connection) as many:
        invest(desk, [(code, "2026-01", "2") for code in codes])
    assert len(many) == len(one)
    assert {_completed(code) for code in codes} == {Decimal(2)}


def test_sync_of_every_project(cast):
    invest(cast.actor(cast.desk), [("XM-2026-001", "2026-01", "7"), ("XM-2026-002", "2026-01", "3")])
    Project.objects.update(completed_investment=0)  # as data loaded before the figures were kept
    assert project_completed_sync() == 2
    assert (_completed("XM-2026-001"), _completed("XM-2026-002")) == (Decimal(7), Decimal(3))


def test_an_admin_edit_or_delete_keeps_the_sum(cast, rf):
    # given two months reported for A
    from django.contrib import admin

    from qifu.indicators.models import ProjectInvestment

    invest(cast.actor(cast.desk), [("XM-2026-001", "2026-01", "300"), ("XM-2026-001", "2026-02", "50")])
    model_admin = admin.site._registry[ProjectInvestment]
    request = rf.post("/")
    # when January is corrected where a zone's admin policy allows it
    row = ProjectInvestment.objects.get(project=cast.project_a, month="2026-01-01")
    row.invested = Decimal(200)
    model_admin.save_model(request, row, form=None, change=True)
    assert _completed("XM-2026-001") == Decimal(250)
    # when February is deleted, then every month
    model_admin.delete_model(request, ProjectInvestment.objects.get(project=cast.project_a, month="2026-02-01"))
    assert _completed("XM-2026-001") == Decimal(200)
    model_admin.delete_queryset(request, ProjectInvestment.objects.filter(project=cast.project_a))
    assert _completed("XM-2026-001") == Decimal(0)
