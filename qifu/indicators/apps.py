from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "qifu.indicators"
    label = "indicators"
    verbose_name = _("月度指标")
