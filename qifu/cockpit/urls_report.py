from django.urls import re_path

from qifu.cockpit import views_report

app_name = "cockpit_report"
urlpatterns = [re_path(r"^(?P<month>\d{4}-\d{2})\.docx$", views_report.report_download, name="download")]
