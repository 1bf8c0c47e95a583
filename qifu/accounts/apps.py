from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qifu.accounts"
    label = "accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        from qifu.accounts import receivers  # noqa: F401  (login audit: the allowed signals)
