from django.urls import path

from qifu.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("export/<slug:section>.xlsx", views.export, name="export_section"),
]
