"""The feedback report: a satisfaction figure per centre and per activity with the comment count,
from answers to sessions that started in the period, the same in the table and the CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from bookings.models import Booking
from feedback.models import Feedback
from reports import selectors
from tests.accounts import sign_in

pytestmark = pytest.mark.django_db

SPRING = {"period": "custom", "start": "2025-01-01", "end": "2025-03-31"}


def answer(booking, rating, come_again, comment=""):
    return Feedback.objects.create(
        booking=booking,
        session=booking.session,
        asked_at=booking.session.end,
        answered_at=booking.session.end + datetime.timedelta(hours=20),
        rating=rating,
        come_again=come_again,
        comment=comment,
        comment_status="waiting" if comment else "",
    )


@pytest.fixture
def answers(spring):
    old, s1, s2, s3, _s4, river = spring.sessions
    attended = list(Booking.objects.filter(attendance="attended").select_related("session"))
    by_session = {}
    for booking in attended:
        by_session.setdefault(booking.session_id, []).append(booking)
    answer(by_session[old.pk][0], "not_good", "no", "Before the period")  # not counted
    first, second = by_session[s1.pk]
    answer(first, "good", "yes", "Lovely")
    answer(second, "ok", "maybe")
    answer(by_session[s2.pk][0], "good", "yes")
    answer(by_session[s3.pk][0], "not_good", "no", "Too hot")
    answer(by_session[river.pk][0], "good", "yes")
    # Asked but not answered: not an answer.
    Feedback.objects.create(
        booking=Booking.objects.filter(session=s1).exclude(attendance="attended").first(),
        session=s1,
        asked_at=s1.end,
    )


def test_satisfaction_and_comments_per_activity_and_centre(answers, centre):
    from cms.models import CentrePage

    centres = CentrePage.objects.filter(pk=centre.pk)
    by_centre, by_activity = selectors.feedback(
        centres=centres, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31)
    )

    # Northfield: s1 (good, ok), s2 (good), s3 (not good): 2 of 4 good, 2 of 4 again, 2 comments.
    assert by_centre.rows == [(centre.title, [4, 50.0, 50.0, 2])]
    assert dict(by_activity.rows) == {
        "Baby massage": [1, 0.0, 0.0, 1],
        "Stay and play": [3, 66.7, 66.7, 1],
    }


def test_the_csv_carries_the_feedback_figures(client, manager, manager_totp, answers):
    sign_in(client, manager, totp_secret=manager_totp)

    download = client.get(reverse("reports:report", args=["feedback"]), {**SPRING, "format": "csv"})

    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert ["Activity", "Answers", "Satisfaction (%)", "Would come again (%)", "Comments"] in rows
    assert ["Stay and play", "3", "66.7", "66.7", "1"] in rows
    assert ["Baby massage", "1", "0.0", "0.0", "1"] in rows
