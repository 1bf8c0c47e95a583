from collections.abc import Callable

from django.apps import AppConfig
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "qifu.cockpit"
    label = "cockpit"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from qifu.cockpit.figures import lists_changed, projects_changed
        from qifu.indicators.models import ProjectInvestment
        from qifu.projects.models import Milestone, Project
        from qifu.servicelists.models import ListOverride, Membership

        watched: list[tuple[type[Model], Callable[..., None]]]
        watched = [(m, projects_changed) for m in (Project, Milestone, ProjectInvestment)]
        watched += [(m, lists_changed) for m in (Membership, ListOverride)]
        for model, receiver in watched:
            uid = f"cockpit-{model.__name__}"
            post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
