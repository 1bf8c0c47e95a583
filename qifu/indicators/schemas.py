"""API shapes of the indicators (formats.md 月度指标). Money in 万元 as decimal strings, ratios as
fractions (−0.25 = down 25%), months as YYYY-MM."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from qifu.indicators.models import DERIVED_FIELDS, MEASURES, IndicatorDerived, MonthlyIndicator, ProjectInvestment
from qifu.indicators.services import IndicatorInput, InvestmentInput

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Energy = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=4)]
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_ROWS = 5_000


class IndicatorIn(Schema):
    """One enterprise-month. A measure left out keeps its stored value; `null` clears it."""

    model_config = ConfigDict(extra="forbid")

    uscc: str = Field(min_length=1, max_length=32, description="统一社会信用代码 of an enterprise you report for")
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM, not after the current month", examples=["2026-03"])
    output: Money | None = Field(None, description="产值 (万元)")
    revenue: Money | None = Field(None, description="营业收入 (万元)")
    tax: Money | None = Field(None, description="税收 (万元)")
    electricity: Energy | None = Field(None, description="用电量 (万千瓦时)")
    employees: int | None = Field(None, ge=0, le=10_000_000, description="从业人数")
    rd: Money | None = Field(None, description="研发投入 (万元)")

    @field_validator("uscc")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip().upper()

    def to_input(self) -> IndicatorInput:
        year, month = self.month.split("-")
        given = self.model_fields_set & set(MEASURES)
        return IndicatorInput(
            uscc=self.uscc, month=date(int(year), int(month), 1), values={m: getattr(self, m) for m in given}
        )


class IndicatorRowError(Schema):
    index: int = Field(description="the row's position in the request body (0-based)")
    field: str
    code: str
    detail: str


class IndicatorUpsertOut(Schema):
    created: int
    updated: int
    unchanged: int


class DerivedOut(Schema):
    """formats.md derived fields as of this month (ratios as fractions; null = unknown)."""

    output_month: Decimal | None
    output_yoy: Decimal | None
    output_ytd: Decimal | None
    output_ytd_yoy: Decimal | None
    revenue_month: Decimal | None
    revenue_yoy: Decimal | None
    revenue_ytd: Decimal | None
    revenue_ytd_yoy: Decimal | None
    tax_month: Decimal | None
    tax_yoy: Decimal | None
    tax_ytd: Decimal | None
    tax_ytd_yoy: Decimal | None
    electricity_month: Decimal | None
    electricity_yoy: Decimal | None
    electricity_ytd: Decimal | None
    electricity_ytd_yoy: Decimal | None


class IndicatorOut(Schema):
    month: str = Field(examples=["2026-03"])
    output: Decimal | None
    revenue: Decimal | None
    tax: Decimal | None
    electricity: Decimal | None
    employees: int | None
    rd: Decimal | None
    derived: DerivedOut | None


def _derived(row: IndicatorDerived | None) -> DerivedOut | None:
    if row is None:
        return None
    return DerivedOut(**{name: getattr(row, name) for name in DERIVED_FIELDS})


def indicator_out(row: MonthlyIndicator) -> IndicatorOut:
    derived = getattr(row, "derived", None)  # the one-to-one raises nothing once select_related ran
    values: dict[str, Any] = {name: getattr(row, name) for name in MEASURES}
    return IndicatorOut(month=f"{row.month:%Y-%m}", **values, derived=_derived(derived))


class IndicatorPageOut(Schema):
    items: list[IndicatorOut]
    count: int


class InvestmentOut(Schema):
    month: str = Field(examples=["2026-03"])
    invested: Decimal | None = Field(description="当月完成投资 (万元)")


def investment_out(row: ProjectInvestment) -> InvestmentOut:
    return InvestmentOut(month=f"{row.month:%Y-%m}", invested=row.invested)


class InvestmentPageOut(Schema):
    items: list[InvestmentOut]
    count: int


class InvestmentIn(Schema):
    """One project-month of 当月完成投资. Left out, `invested` keeps its stored value; `null` clears it."""

    model_config = ConfigDict(extra="forbid")

    project_code: str = Field(min_length=1, max_length=32, description="项目编号 of a project you report for")
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM, not after the current month", examples=["2026-03"])
    invested: Money | None = Field(None, description="当月完成投资 (万元)")

    @field_validator("project_code")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    def to_input(self) -> InvestmentInput:
        year, month = self.month.split("-")
        return InvestmentInput(
            project_code=self.project_code,
            month=date(int(year), int(month), 1),
            invested=self.invested,
            given="invested" in self.model_fields_set,
        )
