"""The import templates of the indicator formats (formats.md): headers, and a sheet of notes."""

from typing import IO

from qifu.core.excel import Column, Sheet, xlsx_tempfile
from qifu.indicators.importing import INDICATOR_COLUMNS, INVESTMENT_COLUMNS


def template_tempfile(kind: str) -> IO[bytes]:
    """An empty workbook for KIND (`indicators` or `project_investment`); import reads the first sheet."""
    columns = INDICATOR_COLUMNS if kind == "indicators" else INVESTMENT_COLUMNS
    title = "月度指标" if kind == "indicators" else "项目月度投资"
    file, _ = xlsx_tempfile(
        Sheet(title=title, columns=[Column(c.zh, 22 if c.field == "uscc" else 16) for c in columns], rows=[]),
        Sheet(
            title="填写说明",
            columns=[Column("列名", 20), Column("英文列名", 20), Column("说明", 60)],
            rows=[[c.zh, c.en, c.hint] for c in columns],
        ),
    )
    return file
