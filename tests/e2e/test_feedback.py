"""A family who came to a session yesterday opens the link from their e-mail on a phone, without
signing in, answers the three questions and is offered to propose an idea; the link then says
it has been used. axe-core checks each page."""

import datetime
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Attendance
from feedback import services
from feedback.models import Feedback
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory, UserFactory
from tests.support.accessibility import assert_accessible


def test_a_family_gives_feedback_from_the_link(live_server, page, centre):
    activity = ActivityPageFactory(parent=centre, title="Baby massage")
    start = (timezone.localtime() - datetime.timedelta(days=1)).replace(hour=10, minute=0)
    session = SessionFactory(
        activity=activity, start=start, end=start + datetime.timedelta(hours=1)
    )
    family = UserFactory(first_name="Amira", email="amira@example.org")
    BookingFactory(session=session, parent=family, attendance=Attendance.ATTENDED)
    services.ask_for_feedback()
    path = re.search(r"https?://[^/]+(/feedback/[^\s]+/)", mail.outbox[0].body).group(1)

    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("How was Baby massage?")
    assert_accessible(page)

    page.get_by_role("button", name="Send").click()  # nothing chosen yet
    expect(page.get_by_text("Choose how it was: good, OK or not good.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("radio", name="Good", exact=True).check()
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_label(re.compile("Anything to tell the centre")).fill("The room was warm and kind")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("link", name="Propose an idea")).to_have_attribute(
        "href", f"/ideas/new/?centre={centre.pk}"
    )
    assert_accessible(page)
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.come_again) == ("good", "yes")
    assert feedback.comment == "The room was warm and kind"

    page.goto(live_server.url + path)
    expect(page.get_by_text("You have already told us about this session.")).to_be_visible()
    assert_accessible(page)
