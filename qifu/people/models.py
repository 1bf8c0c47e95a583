from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class Staff(BaseModel):
    """Profile of a staff user (cadre, deputy, handler, head, desk, leader): department and post.

    The role lives on the user (one role per person); this row holds what the registry shows.
    """

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, primary_key=True, related_name="staff")
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("部门")
    )
    position = models.CharField(_("职务"), max_length=64, blank=True)
    phone_enc = models.TextField(_("手机(密文)"), blank=True)
    phone_index = models.CharField(_("手机索引"), max_length=64, blank=True, db_index=True)
    office_phone = models.CharField(_("办公电话"), max_length=32, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return str(self.user)
