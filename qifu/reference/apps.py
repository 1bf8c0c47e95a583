from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "qifu.reference"
    label = "reference"
    verbose_name = _("参考数据")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from qifu.reference.models import Category, Department, ServiceList
        from qifu.reference.selectors import reference_cache_clear

        for model in (Category, Department, ServiceList):
            post_save.connect(
                reference_cache_clear, sender=model, dispatch_uid=f"reference_clear_save_{model.__name__}"
            )
            post_delete.connect(
                reference_cache_clear, sender=model, dispatch_uid=f"reference_clear_delete_{model.__name__}"
            )
