from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceListsConfig(AppConfig):
    name = "qifu.servicelists"
    label = "servicelists"
    verbose_name = _("企业服务清单")
