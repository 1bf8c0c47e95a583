from django.urls import path

from qifu.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.list_alerts, name="list"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/act/", views.act, name="act"),
    path("enterprise/<str:uscc>/", views.enterprise_section, name="enterprise"),
]
