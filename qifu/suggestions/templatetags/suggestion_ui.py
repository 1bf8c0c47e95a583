"""Template helpers of the suggestion pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from qifu.suggestions.models import Suggestion, SuggestionState

register = template.Library()

# The status colours of UX.md, shared with cases: waiting grey, with a department blue, answered
# green, closed dark grey (the .qf-state-* classes of qifu.css).
STATE_CLASS = {
    SuggestionState.SUBMITTED: "qf-state-submitted",
    SuggestionState.ASSIGNED: "qf-state-dispatched",
    SuggestionState.ANSWERED: "qf-state-resolved",
    SuggestionState.CLOSED: "qf-state-closed",
}


@register.simple_tag
def suggestion_state(s: Suggestion) -> SafeString:
    """The state as a coloured badge, in the words of the reader's language."""
    return format_html(
        '<span class="qf-state {}">{}</span>', STATE_CLASS.get(SuggestionState(s.state), ""), s.get_state_display()
    )


@register.filter
def month_label(value: object) -> str:
    """A month date as 'YYYY-MM' (the filters' value)."""
    year, month = getattr(value, "year", None), getattr(value, "month", None)
    return f"{year}-{month:02d}" if year and month else ""
