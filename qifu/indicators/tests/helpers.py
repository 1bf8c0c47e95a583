"""Building indicator files in memory for the tests (CSV and xlsx)."""

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import openpyxl

from qifu.indicators.services import current_month

HEADERS = [
    "统一社会信用代码",
    "月份",
    "产值(万元)",
    "营业收入(万元)",
    "税收(万元)",
    "用电量(万千瓦时)",
    "从业人数",
    "研发投入(万元)",
]


def csv_file(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return io.BytesIO(text.getvalue().encode("utf-8-sig"))


def xlsx_file(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def next_month() -> date:
    this = current_month()
    return date(this.year + 1, 1, 1) if this.month == 12 else this.replace(month=this.month + 1)


def row(uscc: str, month: str, revenue: Any = "100", **over: Any) -> list[Any]:
    values = {"output": "120.5", "revenue": revenue, "tax": "8", "electricity": "3.25", "employees": "50", "rd": "4"}
    values.update(over)
    return [
        uscc,
        month,
        values["output"],
        values["revenue"],
        values["tax"],
        values["electricity"],
        values["employees"],
        values["rd"],
    ]
