"""The full-text index (issue 7 item 1): one row of segmented terms per case, enterprise and policy.

The text is segmented in Python (`qifu.search.text.index_terms`) and stored space-joined, so the
database only matches whole tokens: on SQLite an FTS5 table (unicode61 tokenizer) over these rows
as external content, kept by triggers; on PostgreSQL a generated `tsvector` column
(`to_tsvector('simple', …)`) with a GIN index. Both are created by migration 0002 for the vendor
at hand; the ORM only ever writes these plain rows.

One table per kind, keyed by the object's own id: a search reads one index and joins the scope on
the primary key, and the index rowid is the case id (no mapping table at 1,000,000 cases).
"""

from django.db import models


class CaseDoc(models.Model):
    """A case's terms: `public_terms` (title, text, answer, public timeline texts) are what the
    enterprise may match; `internal_terms` (internal notes and other non-public events) only staff."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False)
    public_terms = models.TextField(blank=True)
    internal_terms = models.TextField(blank=True)


class EnterpriseDoc(models.Model):
    """An enterprise's terms: name and former names (words and character bigrams), USCC."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    terms = models.TextField(blank=True)
    name = models.CharField(max_length=200, blank=True)  # the name when last indexed (a rename is seen here)
    # Names the enterprise had before (a rename keeps the old one searchable); newest last.
    former_names = models.JSONField(default=list, blank=True)


class PolicyDoc(models.Model):
    """A policy's terms: title, document number, summary, benefit, full text and interpretation."""

    policy = models.OneToOneField("policies.Policy", on_delete=models.CASCADE, primary_key=True, related_name="+")
    terms = models.TextField(blank=True)
