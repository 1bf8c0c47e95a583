from django.urls import path, re_path

from qifu.enterprises import views, views_import

app_name = "enterprises"
urlpatterns = [
    path("", views.list_enterprises, name="list"),
    path("mine/", views.my_enterprises_page, name="mine"),
    path("import/", views_import.import_enterprises, name="import"),
    path("import/template/", views_import.import_template, name="template"),
    path("export/", views_import.export_enterprises, name="export"),
    # Keep this last: a USCC is exactly 18 letters/digits, so words such as import/ never match it.
    re_path(r"^(?P<uscc>[0-9A-Za-z]{18})/$", views.show_enterprise, name="detail"),
]
