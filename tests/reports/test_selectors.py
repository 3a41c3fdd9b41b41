"""Report figures against the hand-counted spring-2025 fixture (see conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from cms.models import CentrePage
from codesign.models import Idea, IdeaDecision, IdeaStatus, Support
from parent_champions.models import Champion, Hosting, add_years
from reports import selectors
from tests.factories import UserFactory
from tests.support.times import at

pytestmark = pytest.mark.django_db

# The term the `spring` fixture (conftest.py) fills.
SPRING_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))


def rows(figure):
    return dict(figure.rows)


def figures_by_key(figures):
    return {figure.key: figure for figure in figures}


def test_reach_for_one_centre(spring, centre):
    start, end = SPRING_2025
    figures = figures_by_key(
        selectors.reach(centres=CentrePage.objects.filter(pk=centre.pk), start=start, end=end)
    )

    # Reached: p1 (c1, c2) and p3 (c4) in January; p2 (c3), p1 (c1) and p3 (c4) in February.
    # p2's January no-show and the session the centre cancelled do not count.
    # First-time: p2 and p3; p1 came in November 2024.
    assert rows(figures["reach-totals"]) == {
        "Families reached": [3],
        "Children reached": [4],
        "First-time families": [2],
    }
    assert rows(figures["reach-footprint"]) == {"North": [3, 4]}
    assert rows(figures["reach-month"]) == {
        "January 2025": [2, 3],
        "February 2025": [3, 3],
        "March 2025": [0, 0],
    }


def test_reach_for_the_borough(spring):
    start, end = SPRING_2025
    figures = figures_by_key(
        selectors.reach(centres=CentrePage.objects.all(), start=start, end=end)
    )

    # Riverside adds p4 with c5, a first-timer.
    assert rows(figures["reach-totals"]) == {
        "Families reached": [4],
        "Children reached": [5],
        "First-time families": [3],
    }
    assert rows(figures["reach-footprint"]) == {"North": [3, 4], "River": [1, 1]}


def test_take_up(spring, centre):
    start, end = SPRING_2025
    figures = figures_by_key(
        selectors.take_up(centres=CentrePage.objects.filter(pk=centre.pk), start=start, end=end)
    )

    # Sessions run: s1, s2 (stay and play, 10 places each), s3 (baby massage, 4); s4 was
    # cancelled by the centre. Booked places: s1 2+1+1, s2 1, s3 1+1. Attended 2+1, 1, 1; one
    # no-show (p2 at s1). p4 cancelled 2 hours before s2 (late), p3 3 days before (not late).
    assert rows(figures["take-up-totals"]) == {
        "Sessions run": [3],
        "Places offered": [24],
        "Places booked": [7],
        "Walk-in places": [2],
        "Late cancellations": [1],
    }
    assert rows(figures["take-up-rates"]) == {"Attendance rate": [83.3], "No-show rate": [16.7]}
    assert rows(figures["take-up-category"]) == {
        "Baby and toddler": [1, 4, 2, 0, 0],
        "Stay and play": [2, 20, 5, 2, 1],
    }
    assert rows(figures["take-up-category-rates"]) == {
        "Baby and toddler": [100.0, 0.0],
        "Stay and play": [80.0, 20.0],
    }
    assert rows(figures["take-up-activity"]) == {
        "Baby massage": [1, 4, 2, 0, 0],
        "Stay and play": [2, 20, 5, 2, 1],
    }


def test_unmet_demand(spring, centre):
    start, end = SPRING_2025
    figures = figures_by_key(
        selectors.unmet_demand(
            centres=CentrePage.objects.filter(pk=centre.pk), start=start, end=end
        )
    )

    # Baby massage s3: p4 waited and never got a place; p3 waited and was promoted.
    assert rows(figures["unmet-totals"]) == {
        "Households on a waiting list": [2],
        "Households who never got a place": [1],
    }
    assert rows(figures["unmet-activity"]) == {"Baby massage": [2, 1, 1]}


def test_other_centre_sees_none_of_northfield(spring, other_centre):
    start, end = SPRING_2025
    centres = CentrePage.objects.filter(pk=other_centre.pk)

    reach = figures_by_key(selectors.reach(centres=centres, start=start, end=end))
    unmet = figures_by_key(selectors.unmet_demand(centres=centres, start=start, end=end))

    assert rows(reach["reach-totals"])["Families reached"] == [1]
    assert unmet["unmet-activity"].rows == []


def test_champions(spring, centre, other_centre):
    today = timezone.localdate()
    play, massage, river_play = spring.activities
    old, s1, s2, s3, s4, river = spring.sessions
    current = Champion.objects.create(
        user=UserFactory(),
        centre=centre,
        dbs_checked_on=today - datetime.timedelta(days=400),
        training_completed_on=today - datetime.timedelta(days=400),
    )
    # Taken three years ago less ten days: lapses in ten days.
    lapsing = Champion.objects.create(
        user=UserFactory(),
        centre=centre,
        dbs_checked_on=add_years(today, -3) + datetime.timedelta(days=10),
        training_completed_on=today,
    )
    Champion.objects.create(user=UserFactory(), centre=centre)  # no checks recorded
    Champion.objects.create(user=UserFactory(), centre=centre, status=Champion.Status.SUSPENDED)
    Champion.objects.create(user=UserFactory(), centre=other_centre)
    Hosting.objects.create(champion=current, activity=play)  # s1, s2 (old is out of range)
    Hosting.objects.create(champion=lapsing, session=s1)  # s1 again: counted once
    Hosting.objects.create(champion=lapsing, session=s4)  # cancelled by the centre

    start, end = SPRING_2025
    (figure,) = selectors.champions(
        centres=CentrePage.objects.filter(pk=centre.pk), start=start, end=end
    )

    assert rows(figure) == {
        "Active champions today": [3],
        "Sessions hosted by champions in the period": [2],
        "Active champions with a check lapsing in 30 days": [1],
        "Active champions with a check lapsed or missing": [1],
    }


def idea(centre, created, changes, status, activity=None):
    """An idea created at `created` with each (to_status, when) change logged."""
    made = Idea.objects.create(
        centre=centre,
        title="An idea",
        description="Something families would enjoy.",
        audience="toddlers",
        status=status,
        activity=activity,
    )
    Idea.objects.filter(pk=made.pk).update(created_at=created)
    previous = IdeaStatus.SUBMITTED
    for to_status, when in changes:
        change = IdeaDecision.objects.create(idea=made, from_status=previous, to_status=to_status)
        IdeaDecision.objects.filter(pk=change.pk).update(decided_at=when)
        previous = to_status
    return made


def support(on, when):
    made = Support.objects.create(idea=on, parent=UserFactory())
    Support.objects.filter(pk=made.pk).update(created_at=when)


def test_codesign(spring, centre, other_centre):
    play, massage, river_play = spring.activities
    published, review = IdeaStatus.PUBLISHED, IdeaStatus.UNDER_REVIEW
    a = idea(
        centre,
        at(2024, 12, 10),
        [(published, at(2024, 12, 11)), (review, at(2025, 1, 5)), ("scheduled", at(2025, 1, 20))],
        IdeaStatus.SCHEDULED,
        activity=massage,
    )
    idea(
        centre,
        at(2025, 1, 10),
        [(published, at(2025, 1, 11)), ("declined", at(2025, 2, 9))],
        IdeaStatus.DECLINED,
    )
    c = idea(centre, at(2025, 2, 1), [(published, at(2025, 2, 2))], published)
    idea(centre, at(2025, 3, 1), [], IdeaStatus.SUBMITTED)
    idea(other_centre, at(2025, 1, 5), [(published, at(2025, 1, 6))], published)
    support(a, at(2024, 12, 20))
    support(a, at(2025, 1, 3))
    support(c, at(2025, 2, 10))
    support(c, at(2025, 2, 11))

    start, end = SPRING_2025
    figures = figures_by_key(
        selectors.codesign(centres=CentrePage.objects.filter(pk=centre.pk), start=start, end=end)
    )

    # Proposed in the period: the last three; the first was published in December.
    assert rows(figures["codesign-ideas"]) == {
        "Proposed": [3],
        "Published": [2],
        "Given new support": [2],
        "Decided": [2],
        "Declined": [1],
        "Scheduled": [1],
    }
    assert "gave 3 new supports" in figures["codesign-ideas"].note
    # 41 days (10 December to 20 January) and 30 days (10 January to 9 February).
    assert rows(figures["codesign-time"]) == {"Median days from idea to first decision": [35.5]}
    # Baby massage came from an idea: s3 ran (s4 was cancelled), p3's place was attended.
    assert rows(figures["codesign-attendance"]) == {"Baby massage": [1, 1, 0]}
