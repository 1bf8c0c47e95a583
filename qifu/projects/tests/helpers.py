"""Setting projects up through the real services for the progress tests."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from qifu.access.actor import Actor
from qifu.indicators.services import InvestmentInput, investment_rows_check, investment_rows_write
from qifu.projects.models import Project
from qifu.projects.services import project_data_of, project_update


def invest(actor: Actor, rows: list[tuple[str, str, str | None]]) -> dict[str, int]:
    """Write (project_code, "YYYY-MM", invested) through the investment services, as import and API do."""
    inputs = [
        InvestmentInput(code, date(int(m[:4]), int(m[5:]), 1), Decimal(v) if v is not None else None)
        for code, m, v in rows
    ]
    checked = investment_rows_check(actor=actor, rows=inputs)
    assert not checked.faults, checked.faults
    return investment_rows_write(actor=actor, checked=checked, source="api").as_dict()


def plan(actor: Actor, project: Project, **changes: Any) -> Project:
    """Change a project's registered figures (annual plan, status, park …) through project_update."""
    project.refresh_from_db()
    return project_update(actor=actor, project=project, data=replace(project_data_of(project), **changes))
