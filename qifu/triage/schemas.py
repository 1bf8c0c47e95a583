"""API schemas of triage (shape only)."""

from ninja import Field, Schema


class TriageIn(Schema):
    text: str = Field(max_length=10000, description="the request's title and text")


class ChoiceOut(Schema):
    code: str
    name: str
    confidence: float = Field(description="0..1; the model's normalised probability, or the keyword share (≤ 0.6)")


class TriageOut(Schema):
    source: str = Field(description="model | keywords (the fallback while history is thin)")
    model_version: int | None = Field(description="the model's version, null for the keywords")
    category: ChoiceOut
    department: ChoiceOut = Field(description="the likely lead department")
    alternatives: list[ChoiceOut] = Field(description="two more categories, most likely first")
    department_alternatives: list[ChoiceOut] = Field(description="two more lead departments")
