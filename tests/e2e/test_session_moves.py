"""A centre manager moves a session in the admin; the family booked on it is told, and the
calendar entry they download carries the new time under the same UID with a higher SEQUENCE."""

import datetime

from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
)


def test_manager_moves_a_session_and_the_familys_calendar_entry_follows(
    live_server, page, sign_in, centre
):
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    session = SessionFactory(activity=activity, capacity=4)
    parent = UserFactory(first_name="Ada", last_name="Lovelace")
    booking = BookingFactory(session=session, parent=parent, places=1)
    booking.children.set([ChildFactory(parent=parent, first_name="Mo")])
    manager = UserFactory()
    activate_totp(manager)
    manager.groups.add(centre.manager_group)

    sign_in(page, parent)
    calendar_url = f"{live_server.url}/bookings/{booking.reference}/calendar.ics"
    before = Calendar.from_ical(page.request.get(calendar_url).body()).walk("VEVENT")[0]

    sign_in(page, manager)
    page.goto(f"{live_server.url}/admin/timetable/sessions/edit/{session.pk}/")
    new_start = timezone.localtime(session.start) + datetime.timedelta(days=1, hours=3)
    page.locator("#id_start").fill(new_start.strftime("%Y-%m-%d %H:%M"))
    new_end = new_start + datetime.timedelta(hours=1)
    page.locator("#id_end").fill(new_end.strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_capacity").click()  # closes the date picker
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Ada Lovelace", exact=True)).to_be_visible()

    assert [m.to for m in mail.outbox] == [[parent.email]]
    assert f"{new_start:%H:%M} to {new_end:%H:%M}" in mail.outbox[0].body

    sign_in(page, parent)
    after = Calendar.from_ical(page.request.get(calendar_url).body()).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == new_start
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
