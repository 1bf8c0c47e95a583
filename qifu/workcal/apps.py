from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    name = "qifu.workcal"
    label = "workcal"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from qifu.workcal.calendar import zone_calendar_clear
        from qifu.workcal.models import CalendarOverride

        post_save.connect(zone_calendar_clear, sender=CalendarOverride, dispatch_uid="workcal_clear_save")
        post_delete.connect(zone_calendar_clear, sender=CalendarOverride, dispatch_uid="workcal_clear_delete")
