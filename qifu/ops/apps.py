from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Zone-wide entry points (seed, stats, demo, token): they orchestrate every app."""

    name = "qifu.ops"
    label = "ops"
    verbose_name = _("运维命令")
