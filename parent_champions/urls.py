"""Champions' pages, mounted at /champions/."""

from django.urls import path

from . import views

app_name = "parent_champions"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("apply/", views.apply, name="apply"),
    path("sessions/<int:session_id>/", views.register, name="register"),
    path(
        "sessions/<int:session_id>/bookings/<int:booking_id>/<slug:action>/",
        views.booking_action,
        name="booking_action",
    ),
    path("sessions/<int:session_id>/walk-ins/", views.add_walk_in, name="add_walk_in"),
    path("sessions/<int:session_id>/message/", views.message_families, name="message"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path(
        "activities/<int:activity_id>/sessions/new/",
        views.session_create,
        name="session_create",
    ),
    path("manage/", views.manage_index, name="manage"),
    path("manage/centres/<int:centre_id>/", views.manage_centre, name="manage_centre"),
    path("manage/centres/<int:centre_id>/log/", views.manage_log, name="manage_log"),
    path(
        "manage/applications/<int:application_id>/",
        views.manage_application,
        name="manage_application",
    ),
    path("manage/champions/<int:champion_id>/", views.manage_champion, name="manage_champion"),
    path("manage/champions/<int:champion_id>/checks/", views.manage_checks, name="manage_checks"),
    path("manage/champions/<int:champion_id>/hosting/", views.manage_host, name="manage_host"),
    path(
        "manage/champions/<int:champion_id>/hosting/<int:hosting_id>/remove/",
        views.manage_unhost,
        name="manage_unhost",
    ),
    path(
        "manage/champions/<int:champion_id>/<slug:change>/",
        views.manage_status,
        name="manage_status",
    ),
]
