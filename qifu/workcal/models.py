from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A zone's own ruling on one day (e.g. a local holiday, or a working day the package lacks).

    Overrides win over the national calendar from the holiday package.
    """

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.day} {'工作日' if self.is_workday else '休息日'}"
