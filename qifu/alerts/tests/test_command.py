"""`qifu alerts scan` prints its summary; --json is one object; a bad date exits 2."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qifu.alerts.models import Alert


def test_scan_command_json_and_idempotent(cast):
    # when
    out = StringIO()
    call_command("alerts", "scan", "--today", "2026-03-02", "--json", stdout=out)
    again = StringIO()
    call_command("alerts", "scan", "--today", "2026-03-02", "--json", stdout=again)

    # then
    doc = json.loads(out.getvalue())
    assert doc["today"] == "2026-03-02"
    assert doc["created"] == {"declining": 0, "indicator": 0, "milestone": 1}
    assert json.loads(again.getvalue())["created"]["milestone"] == 0
    assert Alert.objects.count() == 1


def test_scan_command_text_summary(cast):
    out = StringIO()
    call_command("alerts", "scan", "--today", "2026-03-02", stdout=out)
    text = out.getvalue()
    assert "alerts scan 2026-03-02" in text and "milestone" in text and "raised       1" in text


def test_scan_command_bad_date_exits_2(db):
    with pytest.raises(CommandError) as exc:
        call_command("alerts", "scan", "--today", "2026-13-01")
    assert exc.value.returncode == 2
