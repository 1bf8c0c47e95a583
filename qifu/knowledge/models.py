"""The knowledge base (知识库 / 答复口径, issue 7 item 5; docs/KNOWLEDGE.md).

- `KnowledgeEntry`: one frequent question and the department's standard answer (口径). Each entry
  belongs to a department (its owner), may carry a reference category and keywords, and is either
  internal (government staff only) or public (enterprises may read it once published). States:
  draft → published → retired (a retired entry can be published again). `search_terms` holds the
  entry's content terms (qifu.search.text), written by the services, so the per-process TF-IDF
  index is rebuilt from the table without running jieba again.
- `KnowledgeUse`: an entry's answer was inserted into an answer that was then sent on a case
  (once per entry and case); `use_count` / `last_used_at` on the entry count these.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel

TITLE_MAX = 120
ANSWER_MAX = 10000
KEYWORDS_MAX = 200


class EntryState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class KnowledgeEntry(BaseModel):
    title = models.CharField(_("问题"), max_length=TITLE_MAX)
    answer = models.TextField(_("答复口径"), max_length=ANSWER_MAX)
    category = models.ForeignKey(
        "reference.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("诉求类别"),
    )  # fmt: skip
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任部门")
    )
    public = models.BooleanField(_("企业可见"), default=False)
    keywords = models.CharField(_("关键词"), max_length=KEYWORDS_MAX, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=EntryState.choices, default=EntryState.DRAFT)
    source_case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("来源诉求")
    )
    search_terms = models.TextField(editable=False, blank=True)
    use_count = models.PositiveIntegerField(_("使用次数"), default=0)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("最后修改人")
    )

    class Meta:
        verbose_name = _("答复口径")
        verbose_name_plural = _("知识库")
        indexes = [
            models.Index(fields=["state", "public"], name="knowledge_state_public"),
            models.Index(fields=["department", "state"], name="knowledge_dept_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def published(self) -> bool:
        return self.state == EntryState.PUBLISHED


class KnowledgeUse(models.Model):
    """An entry's answer went out on a case (counted once per entry and case)."""

    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE, related_name="uses")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "case"], name="knowledge_use_once_per_case")]
