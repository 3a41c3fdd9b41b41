"""The timetable in the Wagtail admin: sessions, series of sessions and school holidays."""

from wagtail import hooks

from .admin_views import TimetableViewSetGroup


@hooks.register("register_admin_viewset")
def register_timetable():
    return TimetableViewSetGroup()


@hooks.register("register_log_actions")
def register_session_actions(actions):
    actions.register_action("bookings.cancel_session", "Cancel session", "Session cancelled")
