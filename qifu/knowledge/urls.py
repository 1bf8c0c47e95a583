from django.urls import path

from qifu.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.list_entries, name="list"),
    path("new/", views.new_entry, name="new"),
    path("suggest/", views.filing_suggestions, name="filing_suggestions"),
    path("case/<int:case_id>/suggest/", views.case_suggestions, name="case_suggestions"),
    path("case/<int:case_id>/save-back/", views.save_back_link, name="save_back_link"),
    path("<int:pk>/", views.show_entry, name="detail"),
    path("<int:pk>/edit/", views.edit_entry, name="edit"),
    path("<int:pk>/retire/", views.retire_entry, name="retire"),
]
