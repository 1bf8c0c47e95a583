"""Building import files in memory for the tests (openpyxl, CSV)."""

import csv
import io
from collections.abc import Sequence
from typing import Any

import openpyxl

from qifu.enterprises.uscc import make_uscc

HEADERS_ZH = [
    "统一社会信用代码",
    "企业名称",
    "行业代码",
    "所在园区",
    "成立日期",
    "注册资本(万元)",
    "资本来源",
    "规上工业",
    "高新技术企业",
    "专精特新",
    "上市",
    "从业人数",
    "上年营业收入(万元)",
    "上年税收(万元)",
    "上年产值(万元)",
    "上年研发投入(万元)",
    "联系人",
    "联系电话",
]
HEADERS_EN = [
    "uscc",
    "name",
    "industry",
    "park",
    "founded_on",
    "registered_capital",
    "ownership",
    "above_scale",
    "high_tech",
    "specialized",
    "listed",
    "employees",
    "revenue_last_year",
    "tax_last_year",
    "output_last_year",
    "rd_last_year",
    "contact_name",
    "contact_phone",
]


def row(serial: int, **overrides: Any) -> list[Any]:
    """A valid row in HEADERS order; override cells by English column name."""
    values = {
        "uscc": make_uscc(serial),
        "name": f"昆山测试{serial}科技有限公司",
        "industry": "C3985",
        "park": "光电产业园",
        "founded_on": "2015-03-18",
        "registered_capital": "1200.50",
        "ownership": "内资",
        "above_scale": "是",
        "high_tech": "否",
        "specialized": "省级",
        "listed": "N",
        "employees": "150",
        "revenue_last_year": "32000",
        "tax_last_year": "1500.25",
        "output_last_year": "30000",
        "rd_last_year": "900",
        "contact_name": "李经理",
        "contact_phone": "13912345678",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS_EN]


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS_ZH) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS_ZH, *, bom: bool = False) -> io.BytesIO:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8")
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + data)
