"""`qifu bench` pieces that run without a server: wrk output, the registry, the report."""

import io
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from qifu.bench import report, scenarios, wrk
from qifu.bench.environment import BenchEnv, data_dir_for
from qifu.bench.samples import name_fragment, spread
from qifu.bench.scenarios import BatchResult, BenchError, LoadResult, TimedResult

WRK_STDOUT = """Running 10s test @ http://127.0.0.1:40123
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.01ms    2.10ms  31.00ms   80.00%
    Req/Sec     2.00k   150.00     2.30k    70.00%
  19950 requests in 10.00s, 3.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1995.00
Transfer/sec:    317.42KB
QIFU_BENCH_JSON {"requests": 19950, "duration_us": 10000000, "p50_us": 3900.0, "p95_us": 8100.5, \
"p99_us": 12000.0, "max_us": 31000.0, "status_errors": 3, "connect_errors": 0, "read_errors": 1, \
"write_errors": 0, "timeouts": 2}
"""

SAMPLES = {"parks": ["高新区", "A园"], "usccs": ["91320583MA1N2X3Y4Z"], "names": ["昆山精密"]}


def test_parse_reads_the_done_line():
    # when
    result = wrk.parse(WRK_STDOUT)

    # then
    assert result.requests == 19950
    assert result.seconds == 10.0
    assert result.rps == pytest.approx(1995.0)
    assert result.p50_ms == pytest.approx(3.9)
    assert result.p95_ms == pytest.approx(8.1005)
    assert result.errors == 6  # status > 399 + socket errors + timeouts


def test_parse_without_the_done_line_is_an_error():
    with pytest.raises(BenchError, match="no result line"):
        wrk.parse("Running 10s test @ http://127.0.0.1:1\n")


def test_lua_script_defines_request_and_done_without_a_response_hook():
    text = wrk.SCRIPT.read_text()

    assert "function request()" in text
    assert "function done(" in text
    assert wrk.MARKER.strip() in text
    # A response() hook makes wrk parse every response: the status counter is built in.
    assert "function response(" not in text


def test_command_is_bounded(tmp_path, monkeypatch):
    # given
    monkeypatch.setattr(wrk, "wrk_path", lambda: "/usr/bin/wrk")
    files = wrk.write_request_files(tmp_path, "x", paths=["/healthz"], headers={}, method="GET")

    # when
    cmd = wrk.command("http://127.0.0.1:9", wrk.Load(connections=8, seconds=10), files)

    # then
    assert cmd[cmd.index("--threads") + 1] == "1"
    assert cmd[cmd.index("--connections") + 1] == "8"
    assert cmd[cmd.index("--duration") + 1] == "10s"
    assert cmd[cmd.index("--") + 1 :] == [str(files.paths), str(files.headers), "GET"]


def test_missing_wrk_says_how_to_install(monkeypatch):
    monkeypatch.setattr(wrk.shutil, "which", lambda name: None)

    with pytest.raises(BenchError, match="apt-get install wrk"):
        wrk.wrk_path()


def test_request_files_keep_the_token_private(tmp_path):
    # when
    files = wrk.write_request_files(
        tmp_path,
        "enterprise_list",
        paths=["/a", "/b"],
        headers={"Authorization": "Bearer qf_x"},
        method="POST",
        body='{"a": 1}',
    )

    # then
    assert files.paths.read_text() == "/a\n/b\n"
    assert files.headers.read_text() == "Authorization: Bearer qf_x\n"
    assert stat.S_IMODE(os.stat(files.headers).st_mode) == 0o600
    assert files.script_args() == [str(files.paths), str(files.headers), "POST", str(files.body)]


@pytest.mark.parametrize(
    ("paths", "headers"),
    [
        pytest.param(["/a b"], {}, id="unencoded_path_case"),
        pytest.param(["relative"], {}, id="relative_path_case"),
        pytest.param([], {}, id="no_path_case"),
        pytest.param(["/a"], {"X": "1\r\nEvil: 2"}, id="header_injection_case"),
    ],
)
def test_request_files_reject_malformed_input(tmp_path, paths, headers):
    with pytest.raises(BenchError):
        wrk.write_request_files(tmp_path, "x", paths=paths, headers=headers)


def test_registry_has_the_issue_scenarios_baseline_first():
    names = list(scenarios.REGISTRY)

    assert names[0] == "baseline"
    assert {"enterprise_list", "enterprise_search", "enterprise_page"} <= set(names)
    assert all(name.isidentifier() for name in names)


def test_scenario_paths_are_url_encoded():
    # when
    list_paths = scenarios.REGISTRY["enterprise_list"].paths(SAMPLES)  # type: ignore[union-attr]
    search_paths = scenarios.REGISTRY["enterprise_search"].paths(SAMPLES)  # type: ignore[union-attr]
    page_paths = scenarios.REGISTRY["enterprise_page"].paths(SAMPLES)  # type: ignore[union-attr]

    # then
    assert list_paths == [
        "/api/v1/enterprises?park=%E9%AB%98%E6%96%B0%E5%8C%BA&limit=20",
        "/api/v1/enterprises?park=A%E5%9B%AD&limit=20",
    ]
    assert search_paths == ["/api/v1/enterprises?q=%E6%98%86%E5%B1%B1%E7%B2%BE%E5%AF%86&limit=20"]
    assert page_paths == ["/api/v1/enterprises/91320583MA1N2X3Y4Z"]
    assert scenarios.REGISTRY["enterprise_list"].auth is scenarios.Auth.TOKEN  # type: ignore[union-attr]


def test_empty_samples_give_no_paths():
    assert scenarios.REGISTRY["enterprise_page"].paths({}) == []  # type: ignore[union-attr]


def test_registering_is_one_call_and_names_are_unique(monkeypatch):
    # given
    monkeypatch.setattr(scenarios, "REGISTRY", dict(scenarios.REGISTRY))

    # when
    added = scenarios.scenario("case_list", paths=lambda s: ["/api/v1/cases?limit=20"], auth=scenarios.Auth.TOKEN)
    job = scenarios.batch("sla_run", argv=lambda s: ["sla", "run"])

    # then
    assert scenarios.REGISTRY["case_list"] is added
    assert scenarios.REGISTRY["sla_run"] is job
    with pytest.raises(ValueError, match="already registered"):
        scenarios.scenario("case_list", paths=lambda s: ["/"])
    with pytest.raises(ValueError, match="already registered"):
        scenarios.batch("seed", argv=lambda s: [])


def test_select_keeps_the_baseline_and_the_registry_order():
    picked = [item.name for item in scenarios.select(["enterprise_page", "enterprise_list"])]

    assert picked == ["baseline", "enterprise_list", "enterprise_page"]
    assert [item.name for item in scenarios.select(None)] == list(scenarios.REGISTRY)
    with pytest.raises(BenchError, match="unknown scenario"):
        scenarios.select(["nope"])


def _load(rps: float, p95: float, errors: int = 0) -> LoadResult:
    return LoadResult(requests=int(rps * 10), seconds=10.0, p50_ms=p95 / 2, p95_ms=p95, p99_ms=p95, errors=errors)


def test_document_has_the_issue_shape():
    # given
    results: dict[str, scenarios.Result] = {
        "seed": BatchResult(12.345),
        "baseline": _load(2000, 5),
        "enterprise_list": _load(500, 20),
    }

    # when
    doc = json.loads(json.dumps(report.document(scale="zone", results=results)))

    # then
    assert doc["scale"] == "zone"
    assert doc["scenarios"]["seed"] == {"seconds": 12.35}
    assert doc["scenarios"]["baseline"] == {"rps": 2000.0, "p50_ms": 2.5, "p95_ms": 5.0, "errors": 0}
    assert set(doc["scenarios"]["enterprise_list"]) == {"rps", "p50_ms", "p95_ms", "errors"}
    assert doc["detail"]["baseline"]["p99_ms"] == 5.0
    assert "seed" not in doc["detail"]


@pytest.mark.parametrize(
    ("list_result", "expected"),
    [
        pytest.param(_load(500, 20), [True, True, True], id="fast_case"),
        pytest.param(_load(200, 80), [False, False, True], id="slow_case"),
        pytest.param(_load(500, 20, errors=4), [True, True, False], id="errors_case"),
        pytest.param(None, [None, None, True], id="not_measured_case"),
    ],
)
def test_checks(list_result, expected):
    # given
    results: dict[str, scenarios.Result] = {"baseline": _load(2000, 5)}
    if list_result is not None:
        results["enterprise_list"] = list_result

    # when
    outcomes = [o for o in report.evaluate(results) if o[0].startswith(("enterprise_list", "no errors"))]

    # then
    assert [passed for _, passed, _ in outcomes] == expected
    assert report.check_lines(outcomes)[0].startswith(("PASS", "FAIL", "SKIP"))


def test_table_shows_share_of_baseline_and_skips():
    text = report.table(
        {"baseline": _load(2000, 5), "enterprise_list": _load(500, 20), "seed": BatchResult(3.0)},
        {"enterprise_page_html": "GET /enterprises/x/ answered 404"},
    )

    lines = text.splitlines()
    assert "% of baseline" in lines[0]
    assert "25%" in next(line for line in lines if line.startswith("enterprise_list"))
    assert "3.0 s (batch job)" in text
    assert "skipped: GET /enterprises/x/ answered 404" in text


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        pytest.param("昆山精密机械有限公司", "精密机械", id="place_and_suffix_case"),
        pytest.param("苏州市华兴电子股份有限公司", "华兴电子", id="city_with_shi_case"),
        pytest.param("鸿睿思博网络有限公司", "鸿睿思博", id="no_place_case"),
        pytest.param("有限公司", "有限公司", id="nothing_left_case"),
    ],
)
def test_name_fragment(name, fragment):
    assert name_fragment(name) == fragment


def test_spread_is_even_and_deterministic():
    assert spread(list(range(10)), 20) == list(range(10))
    assert spread(list(range(1000)), 4) == [0, 250, 500, 750]


def test_bench_env_keeps_its_keys_and_a_production_environment(tmp_path, monkeypatch):
    # given
    monkeypatch.setenv("QIFU_DEBUG", "1")
    monkeypatch.setenv("QIFU_DATABASE_URL", "sqlite:////somewhere/else.sqlite3")
    data_dir = data_dir_for(tmp_path, "zone", None)

    # when
    first = BenchEnv(scale="zone", data_dir=data_dir).env()
    again = BenchEnv(scale="zone", data_dir=data_dir).env()

    # then
    assert first == again  # keys are generated once and kept with the data
    assert first["QIFU_DEBUG"] == "0"
    assert first["QIFU_DATA_DIR"] == str(Path(data_dir).resolve())
    assert "QIFU_DATABASE_URL" not in first  # the operator's database never leaks in
    assert len(bytes.fromhex(first["QIFU_FIELD_KEY"])) == 16
    assert len(bytes.fromhex(first["QIFU_AUDIT_KEY"])) == 32
    assert stat.S_IMODE(os.stat(data_dir / "field_key").st_mode) == 0o600


def test_external_databases_get_their_own_data_dir(tmp_path):
    a = data_dir_for(tmp_path, "zone", "postgres://a/qifu")
    b = data_dir_for(tmp_path, "zone", "postgres://b/qifu")

    assert a != b != tmp_path / "zone"
    assert a.name.startswith("zone-db-")


def test_median_run_over_rounds_keeps_every_error():
    from qifu.bench.runner import median_run

    # given
    runs: list[scenarios.Result] = [_load(100, 9, errors=1), _load(300, 3), _load(200, 5, errors=2)]

    # when
    result = median_run(runs)

    # then
    assert isinstance(result, LoadResult)
    assert result.rps == 200
    assert result.p95_ms == 5
    assert result.errors == 3
    assert median_run([BatchResult(3.0), BatchResult(1.0), BatchResult(2.0)]) == BatchResult(2.0)


# --- the ledger scenarios (issue 3) ----------------------------------------------------------------
LEDGER_SAMPLES = {
    **SAMPLES,
    "case_ids": ["1", "5000"],
    "months": ["2026-11", "2026-10"],
    "export_10k": ["/cases/export.xlsx?since=2026-11-20&until=2026-11-26"],
}


def test_ledger_scenarios_are_registered_with_their_users():
    reg = scenarios.REGISTRY
    create = reg["case_create"]
    inbox, ledger, page, assessment = reg["department_inbox"], reg["ledger"], reg["case_page"], reg["assessment"]
    export = reg["ledger_export_10k"]

    assert isinstance(create, scenarios.Scenario) and create.method == "POST" and create.expect == (201,)
    assert create.auth is scenarios.Auth.TOKEN and create.user == "desk"
    assert create.body is not None
    body = json.loads(create.body(LEDGER_SAMPLES))
    assert body["enterprise"] == "91320583MA1N2X3Y4Z" and body["text"] and body["category"] == "utilities"
    assert isinstance(inbox, scenarios.Scenario) and inbox.user == "jfj_handler"
    assert inbox.paths(LEDGER_SAMPLES) == [
        f"/cases/inbox/?tab={tab}" for tab in ("to_sign", "in_progress", "due_soon", "overdue")
    ]
    assert isinstance(ledger, scenarios.Scenario) and ledger.paths(LEDGER_SAMPLES) == ["/cases/"]
    assert isinstance(page, scenarios.Scenario) and page.paths(LEDGER_SAMPLES) == ["/cases/1/", "/cases/5000/"]
    assert isinstance(assessment, scenarios.Scenario) and assessment.auth is scenarios.Auth.TOKEN
    assert assessment.paths(LEDGER_SAMPLES)[0] == "/api/v1/metrics/assessment?period=2026-11"
    assert isinstance(export, scenarios.Timed) and export.user == "desk"
    assert export.path(LEDGER_SAMPLES) == LEDGER_SAMPLES["export_10k"][0]
    assert export.path({}) is None


EXPORT = "ledger_export_10k"


@pytest.mark.parametrize(
    ("results", "label", "expected"),
    [
        pytest.param({"case_create": _load(350, 20)}, "case_create", True, id="create_fast_case"),
        pytest.param({"case_create": _load(120, 60)}, "case_create", False, id="create_slow_case"),
        pytest.param({"ledger": _load(100, 40)}, "ledger p95", True, id="ledger_fast_case"),
        pytest.param({"ledger": _load(100, 60)}, "ledger p95", False, id="ledger_slow_case"),
        pytest.param({EXPORT: TimedResult(3.2, 900_000, 10_000)}, EXPORT, True, id="export_fast_case"),
        pytest.param({EXPORT: TimedResult(7.5, 900_000, 10_000)}, EXPORT, False, id="export_slow_case"),
        pytest.param({EXPORT: TimedResult(0.1, 5_000, 0)}, EXPORT, False, id="export_empty_case"),
        pytest.param({}, "assessment", None, id="not_measured_case"),
    ],
)  # fmt: skip
def test_ledger_targets(results, label, expected):
    outcomes = {name: passed for name, passed, _ in report.evaluate(results)}

    assert [passed for name, passed in outcomes.items() if name.startswith(label)] == [expected]


def test_timed_results_in_the_table_the_document_and_the_median():
    from qifu.bench.runner import median_run

    # given
    export = TimedResult(2.5, 1_250_000, 10_012)

    # when
    text = report.table({"baseline": _load(2000, 5), "ledger_export_10k": export})
    doc = report.document(scale="city", results={"ledger_export_10k": export})

    # then
    assert "2.50 s (one request, 10,012 rows, 1.2 MB)" in text
    assert doc["scenarios"]["ledger_export_10k"] == {"seconds": 2.5, "bytes": 1_250_000, "rows": 10_012}
    assert median_run([TimedResult(3.0, 1), TimedResult(1.0, 1), TimedResult(2.0, 1)]) == TimedResult(2.0, 1)


def test_xlsx_rows_counts_the_data_rows():
    from openpyxl import Workbook

    from qifu.bench.runner import xlsx_rows

    # given
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "标题"])
    for n in range(25):
        sheet.append([f"QF-2026-{n:06d}", "标题"])
    buffer = io.BytesIO()
    book.save(buffer)

    # then
    assert xlsx_rows(buffer.getvalue()) == 25
    assert xlsx_rows(b"not a workbook") is None


def _ledger_db(path: Path, numbers: list[int], titles: list[str], last: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cases_case (number TEXT, title TEXT)")
    conn.execute("CREATE TABLE cases_casesequence (year INTEGER, last INTEGER)")
    conn.executemany(
        "INSERT INTO cases_case VALUES (?, ?)",
        [(f"QF-2026-{n:06d}", title) for n, title in zip(numbers, titles, strict=True)],
    )
    conn.execute("INSERT INTO cases_casesequence VALUES (2026, ?)", (last,))
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("numbers", "references", "last", "problems"),
    [
        pytest.param([1, 2, 3], ["000-000", "000-001", "x"], 3, [], id="consistent_case"),
        pytest.param([1, 2, 4], ["000-000", "000-001", "x"], 4, ["gaps", "CaseSequence.last"], id="gap_case"),
        pytest.param([1, 2, 3], ["000-000", "000-000", "x"], 3, ["not stored exactly once"], id="duplicate_case"),
        pytest.param([1, 2, 3], ["000-000", "000-001", "x"], 5, ["CaseSequence.last"], id="sequence_behind_case"),
    ],
)
def test_the_concurrency_database_check(tmp_path, numbers, references, last, problems):
    from qifu.bench.concurrency import ConcurrencyReport, check_database

    # given: two references of one client, plus a case that is not the run's
    titles = [f"并发测试 CONC-r1-{ref}" if ref != "x" else "另一个诉求" for ref in references]
    _ledger_db(tmp_path / "db.sqlite3", numbers, titles, last)
    report = ConcurrencyReport(clients=1, per_client=2, server="test")

    # when
    check_database(tmp_path / "db.sqlite3", "r1", report, {}, 2026)

    # then
    assert len(report.problems) == len(problems)
    for expected, found in zip(problems, report.problems, strict=True):
        assert expected in found


@pytest.mark.slow
def test_fifty_clients_file_concurrently_without_errors(tmp_path):
    """The issue's check, small: 50 clients x 2 cases against 2 gunicorn workers on SQLite."""
    from qifu.bench.concurrency import run_concurrency

    report = run_concurrency(base_dir=tmp_path, clients=50, per_client=2, say=lambda message: None)

    assert report.passed, "\n".join(report.lines() + report.failures)
    assert report.created == 100 and report.statuses == {"201": 100}
    assert report.locked_in_log == 0
