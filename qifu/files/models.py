from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel

# "ab/cd/<32 hex>": random, lower-case hex (no collisions on case-insensitive file systems), and
# never a path that could leave the files directory.
STORAGE_NAME_PATTERN = r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}$"


class StoredFile(BaseModel):
    """One uploaded attachment (IP-6): checked content, SM3 digest, stored under a random name.

    Rows are never deleted or edited after the upload: there is no delete path anywhere (the
    enterprise and the uploader are PROTECTed). Written only by `qifu.files.services.file_store`.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, db_index=True, related_name="stored_files"
    )
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    extension = models.CharField(_("扩展名"), max_length=16)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    digest = models.CharField(_("SM3摘要"), max_length=64, validators=[RegexValidator(r"^[0-9a-f]{64}$")])
    storage_name = models.CharField(max_length=80, unique=True, validators=[RegexValidator(STORAGE_NAME_PATTERN)])
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="files_storedfile_size_positive")]

    def __str__(self) -> str:
        return self.name
