from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "qifu.files"
    label = "files"
    verbose_name = _("附件")

    def ready(self) -> None:
        from qifu.files import checks  # noqa: F401  (registers the storage-location check)
