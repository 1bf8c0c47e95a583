"""API schemas of the search (shape only)."""

from ninja import Field, Schema


class SearchHitOut(Schema):
    type: str = Field(description="cases | enterprises | policies")
    key: str = Field(description="the case id, the enterprise's USCC or the policy code")
    title: str = Field(description="plain text")
    snippet: str = Field(description="HTML: the text around the first match, escaped, matches in <mark>")
    url: str = Field(description="the object's page")


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    count: int = Field(description="matches in the caller's scope (counting stops at 10,000)")
    terms: list[str] = Field(description="the query's terms as segmented (all must match)")
