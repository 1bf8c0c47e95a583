from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "qifu.commons"
    label = "commons"
    verbose_name = _("共性问题")
