from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "qifu.dashboard"
    label = "dashboard"
    verbose_name = _("工作台")
