"""One row per trained triage model (a version): its parameters, its digest and its held-out figures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageModel(models.Model):
    """A fitted classifier: `blob` is np.savez output (arrays only, read with allow_pickle=False),
    `meta` the vocabulary and class codes as JSON, `digest` their SHA-256 checked on every load.
    The newest row is the one in use."""

    trained_at = models.DateTimeField(_("训练时间"))
    n_samples = models.PositiveIntegerField(_("样本数"))
    n_train = models.PositiveIntegerField(_("训练集"))
    n_test = models.PositiveIntegerField(_("测试集"))
    split_at = models.DateTimeField(_("时间切分点"), null=True, blank=True)  # the first held-out case's filing time
    top1 = models.FloatField(_("类别Top-1准确率"), null=True, blank=True)
    top3 = models.FloatField(_("类别Top-3准确率"), null=True, blank=True)
    dept_top1 = models.FloatField(_("部门准确率"), null=True, blank=True)
    confusion = models.JSONField(_("混淆矩阵"), default=dict, blank=True)
    meta = models.JSONField(default=dict)
    blob = models.BinaryField()
    digest = models.CharField(max_length=64)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("分办模型")
        verbose_name_plural = _("分办模型")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"triage v{self.pk}"
