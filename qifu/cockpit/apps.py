from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "qifu.cockpit"
    label = "cockpit"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from qifu.cockpit.figures import projects_changed
        from qifu.indicators.models import ProjectInvestment
        from qifu.projects.models import Milestone, Project

        for model in (Project, Milestone, ProjectInvestment):
            post_save.connect(projects_changed, sender=model, dispatch_uid=f"cockpit-projects-{model.__name__}")
            post_delete.connect(projects_changed, sender=model, dispatch_uid=f"cockpit-projects-del-{model.__name__}")
