from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qifu.core"
    label = "core"
