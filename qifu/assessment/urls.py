from django.urls import path

from qifu.assessment import views

app_name = "assessment"
urlpatterns = [path("", views.assessment_page, name="index")]
