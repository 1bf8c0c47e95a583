from django.urls import path, re_path

from qifu.indicators import views

app_name = "indicators"
urlpatterns = [
    path("import/", views.import_indicators, name="import"),
    path("import/template/<str:kind>/", views.import_template, name="template"),
    re_path(r"^(?P<uscc>[0-9A-Za-z]{18})/edit/$", views.edit_indicators, name="edit"),
]
