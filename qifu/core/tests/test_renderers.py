from datetime import UTC, date, datetime
from decimal import Decimal

from qifu.core.renderers import ORJSONRenderer


def test_api_json_keeps_chinese_money_as_strings_and_utc_times_with_z():
    body = ORJSONRenderer().render(
        None,  # type: ignore[arg-type]
        {
            "name": "昆山甲电子",
            "capital": Decimal("5000.00"),
            "on": date(2026, 12, 5),
            "at": datetime(2026, 12, 5, 1, 2, 3, tzinfo=UTC),
        },
        response_status=200,
    )
    assert body == ('{"name":"昆山甲电子","capital":"5000.00","on":"2026-12-05","at":"2026-12-05T01:02:03Z"}'.encode())


def test_api_answers_utf8_chinese(cast, api_as):
    response = api_as(cast.leader).get(f"/api/v1/enterprises/{cast.a.uscc}")
    assert cast.a.name.encode() in response.content
    assert response["Content-Type"].startswith("application/json")
