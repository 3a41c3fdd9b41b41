"""Champions' pages, mounted at /champions/."""

from django.urls import path

from .views import champions, families, manage, registers, sessions

app_name = "parent_champions"

urlpatterns = [
    path("", champions.dashboard, name="dashboard"),
    path("apply/", champions.apply, name="apply"),
    path("sessions/<int:session_id>/", registers.register, name="register"),
    path(
        "sessions/<int:session_id>/bookings/<int:booking_id>/<slug:action>/",
        registers.booking_action,
        name="booking_action",
    ),
    path("sessions/<int:session_id>/families/", families.find_family, name="find_family"),
    path("sessions/<int:session_id>/families/new/", families.add_family, name="add_family"),
    path(
        "sessions/<int:session_id>/families/book/<str:token>/",
        families.book_family,
        name="book_family",
    ),
    path(
        "sessions/<int:session_id>/families/<int:contact_id>/",
        families.family_record,
        name="family_record",
    ),
    path(
        "sessions/<int:session_id>/offline-check-ins/",
        registers.offline_check_in,
        name="offline_check_in",
    ),
    path("sessions/<int:session_id>/walk-ins/", registers.add_walk_in, name="add_walk_in"),
    path("sessions/<int:session_id>/message/", registers.message_families, name="message"),
    path("sessions/<int:session_id>/cover/", registers.assign_cover, name="assign_cover"),
    path(
        "sessions/<int:session_id>/cover/<int:cover_id>/remove/",
        registers.remove_cover,
        name="remove_cover",
    ),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session_edit"),
    path(
        "activities/<int:activity_id>/sessions/new/",
        sessions.session_create,
        name="session_create",
    ),
    path("manage/", manage.manage_index, name="manage"),
    path("manage/centres/<int:centre_id>/", manage.manage_centre, name="manage_centre"),
    path("manage/centres/<int:centre_id>/log/", manage.manage_log, name="manage_log"),
    path(
        "manage/centres/<int:centre_id>/practitioners/",
        manage.invite_practitioner,
        name="invite_practitioner",
    ),
    path(
        "manage/practitioners/<int:practitioner_id>/remove/",
        manage.remove_practitioner,
        name="remove_practitioner",
    ),
    path(
        "manage/applications/<int:application_id>/",
        manage.manage_application,
        name="manage_application",
    ),
    path("manage/champions/<int:champion_id>/", manage.manage_champion, name="manage_champion"),
    path("manage/champions/<int:champion_id>/checks/", manage.manage_checks, name="manage_checks"),
    path("manage/champions/<int:champion_id>/hosting/", manage.manage_host, name="manage_host"),
    path(
        "manage/champions/<int:champion_id>/hosting/<int:hosting_id>/remove/",
        manage.manage_unhost,
        name="manage_unhost",
    ),
    path(
        "manage/champions/<int:champion_id>/<slug:change>/",
        manage.manage_status,
        name="manage_status",
    ),
]
