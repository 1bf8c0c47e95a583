from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "qifu.meetings"
    label = "meetings"
    verbose_name = _("现场办公、协调会与活动")
