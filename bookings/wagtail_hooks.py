"""The timetable in the Wagtail admin (sessions, series of sessions and school holidays), and the
kinds of entry the audit trail of sessions and registers may hold."""

from wagtail import hooks

from . import audit
from .admin_views import TimetableViewSetGroup


@hooks.register("register_admin_viewset")
def register_timetable():
    return TimetableViewSetGroup()


@hooks.register("register_log_actions")
def register_session_actions(actions):
    audit.register_actions(actions)
