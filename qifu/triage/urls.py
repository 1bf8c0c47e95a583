from django.urls import path

from qifu.triage import views

app_name = "triage"
urlpatterns = [
    path("", views.model_page, name="model"),
    path("retrain/", views.retrain, name="retrain"),
    path("cases/<int:case_id>/hint/", views.case_hint, name="hint"),
]
