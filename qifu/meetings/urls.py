"""/meetings/: on-site office days and coordination meetings; /meetings/events/: enterprise salons."""

from django.urls import path

from qifu.meetings import views, views_events

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_index, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<int:meeting_id>/invite/", views.meeting_invite_view, name="invite"),
    path("<int:meeting_id>/respond/", views.meeting_respond_view, name="respond"),
    path("<int:meeting_id>/items/", views.meeting_item_add_view, name="item_add"),
    path("<int:meeting_id>/items/<int:item_id>/outcome/", views.meeting_outcome_view, name="outcome"),
    path("<int:meeting_id>/decisions/", views.meeting_decide_view, name="decide"),
    path("<int:meeting_id>/minutes/", views.meeting_minutes_view, name="minutes"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel_view, name="cancel"),
    path("<int:meeting_id>/minutes.docx", views.meeting_docx, name="docx"),
    path("events/", views_events.event_index, name="events"),
    path("events/new/", views_events.event_new, name="event_new"),
    path("events/<int:event_id>/", views_events.event_detail, name="event_detail"),
    path("events/<int:event_id>/invite/", views_events.event_invite_view, name="event_invite"),
    path("events/<int:event_id>/register/", views_events.event_register_view, name="event_register"),
    path("events/<int:event_id>/cancel/", views_events.event_cancel_view, name="event_cancel"),
    path(
        "events/<int:event_id>/attendance/<int:registration_id>/",
        views_events.event_attendance_view,
        name="event_attendance",
    ),
]
