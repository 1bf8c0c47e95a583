"""insert_rows: the row it writes is the row the ORM would write, in one statement compiled once."""

from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.signals import pre_save
from django.db.models.sql.compiler import SQLInsertCompiler
from django.test.utils import CaptureQueriesContext

from qifu.audit.models import AuditEntry
from qifu.cases.models import Case, CaseEvent
from qifu.conftest import Cast
from qifu.core.rows import insert_row, insert_rows
from qifu.notify.models import Notification

AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _case(cast: Cast, number: str) -> Case:
    return Case(
        number=number,
        enterprise=cast.a,
        liaison_id=cast.a.primary_liaison_id,
        filed_by=cast.desk,
        title="用电增容",
        text="新厂房需要增容用电约800千伏安。",
        submitted_at=AT,
        last_event_at=AT,
        respond_by=AT.date(),
    )


def _event(case: Case, **extra: Any) -> CaseEvent:
    fields = {"action": "file", "to_state": "submitted", "text": "说明", "data": {"channel": "phone", "n": [1, 2]}}
    return CaseEvent(case=case, enterprise_id=case.enterprise_id, at=AT, actor_role="desk", **{**fields, **extra})


def _stored(obj: Any) -> dict[str, Any]:
    """The row as the database holds it, read back through the ORM."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.django_db
def test_the_row_is_the_one_the_orm_writes(cast: Cast) -> None:
    by_orm = _case(cast, "QF-2026-900001")
    by_orm.save(force_insert=True)
    ours = insert_row(_case(cast, "QF-2026-900002"))
    assert ours.pk is not None and ours.pk != by_orm.pk
    assert not ours._state.adding and ours._state.db == "default"
    orm_row, our_row = _stored(by_orm), _stored(ours)
    skip = {"id", "number", "created_at", "updated_at"}
    assert {k: v for k, v in our_row.items() if k not in skip} == {k: v for k, v in orm_row.items() if k not in skip}
    # auto_now and auto_now_add went through Field.pre_save, as on save()
    assert our_row["created_at"] is not None and our_row["updated_at"] is not None
    assert ours.created_at == our_row["created_at"]
    # a JSON field round-trips as through the ORM
    event = insert_row(_event(ours))
    assert _stored(event)["data"] == {"channel": "phone", "n": [1, 2]}


@pytest.mark.django_db
def test_an_inserted_instance_saves_as_an_update_afterwards(cast: Cast) -> None:
    case = insert_row(_case(cast, "QF-2026-900003"))
    case.title = "改后的标题"
    case.save()
    assert Case.objects.filter(number="QF-2026-900003").count() == 1
    assert Case.objects.get(pk=case.pk).title == "改后的标题"


@pytest.mark.django_db
def test_a_given_primary_key_is_kept(cast: Cast) -> None:
    entry = AuditEntry(id=987_654, at=AT, action="probe", changes={"a": 1}, prev_hash="0" * 64, hash="f" * 64)
    insert_row(entry)
    assert AuditEntry.objects.get(pk=987_654).changes == {"a": 1}


@pytest.mark.django_db
def test_many_rows_in_batches_get_each_their_own_key(cast: Cast) -> None:
    case = insert_row(_case(cast, "QF-2026-900004"))
    events = [_event(case, text=f"第{i}条") for i in range(23)]
    with mock.patch.object(connection.ops, "bulk_batch_size", return_value=5), CaptureQueriesContext(connection) as q:
        insert_rows(events)
    assert len(q.captured_queries) == 5  # 23 rows, 5 a statement
    assert len({e.pk for e in events}) == 23
    for event in events:
        assert CaseEvent.objects.get(pk=event.pk).text == event.text


@pytest.mark.django_db
def test_one_statement_compiled_once(cast: Cast) -> None:
    case = insert_row(_case(cast, "QF-2026-900005"))
    insert_row(_event(case))
    with (
        mock.patch.object(SQLInsertCompiler, "as_sql", side_effect=AssertionError("the ORM compiled")),
        CaptureQueriesContext(connection) as q,
    ):
        insert_row(_event(case))
    assert len(q.captured_queries) == 1
    assert q.captured_queries[0]["sql"].startswith("INSERT INTO")


@pytest.mark.django_db
def test_what_it_refuses_inserts_nothing(cast: Cast) -> None:
    case = insert_row(_case(cast, "QF-2026-900006"))
    before = CaseEvent.objects.count()
    notification = Notification(recipient=cast.desk, kind="x", title="t", body="b")
    with pytest.raises(TypeError, match="one model"):
        insert_rows([_event(case), notification])
    with pytest.raises(TypeError, match="expression"):
        insert_row(_event(case, text=F("action")))
    given = _event(case)
    given.pk = 10**9
    with pytest.raises(TypeError, match="primary key"):
        insert_rows([given, _event(case)])

    def receiver(**kwargs: Any) -> None:
        raise AssertionError("not reached")

    pre_save.connect(receiver, sender=CaseEvent, dispatch_uid="test_rows_receiver")
    try:
        with pytest.raises(TypeError, match="signal receivers"):
            insert_row(_event(case))
    finally:
        pre_save.disconnect(sender=CaseEvent, dispatch_uid="test_rows_receiver")
    assert CaseEvent.objects.count() == before
    assert insert_rows([]) == []


@pytest.mark.django_db
def test_an_unsaved_related_object_is_refused_as_by_save(cast: Cast) -> None:
    unsaved = _case(cast, "QF-2026-900007")
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_row(_event(unsaved))
    assert not CaseEvent.objects.filter(case__number="QF-2026-900007").exists()
