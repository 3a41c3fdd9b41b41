"""When a champion's checks count as current, and the warnings before they lapse."""

import datetime

import pytest
from django.test import override_settings

from parent_champions.models import Champion, add_years

TODAY = datetime.date(2026, 11, 25)


def champion(dbs, training):
    return Champion(dbs_checked_on=dbs, training_completed_on=training)


def test_add_years_keeps_the_day_and_moves_29_february():
    assert add_years(datetime.date(2024, 3, 1), 3) == datetime.date(2027, 3, 1)
    assert add_years(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)


def test_checks_taken_a_year_ago_are_current_without_warnings():
    one_year_ago = datetime.date(2025, 11, 25)
    assert champion(one_year_ago, one_year_ago).checks_current_on(TODAY)
    assert champion(one_year_ago, one_year_ago).check_warnings(TODAY) == []


@pytest.mark.parametrize(
    ("dbs", "training"),
    [
        (None, datetime.date(2025, 1, 1)),
        (datetime.date(2025, 1, 1), None),
        (datetime.date(2023, 11, 25), datetime.date(2025, 1, 1)),  # lapsed today
        (datetime.date(2025, 1, 1), datetime.date(2020, 1, 1)),
        (datetime.date(2026, 12, 1), datetime.date(2025, 1, 1)),  # not done yet
    ],
)
def test_missing_lapsed_or_future_checks_are_not_current(dbs, training):
    assert not champion(dbs, training).checks_current_on(TODAY)


def test_warns_thirty_days_before_a_check_lapses_and_after():
    lapses_in_30 = datetime.date(2023, 12, 25)
    lapses_in_31 = datetime.date(2023, 12, 26)
    recent = datetime.date(2026, 1, 1)
    assert champion(lapses_in_30, recent).check_warnings(TODAY) == [
        "DBS check: lapses on 25 December 2026."
    ]
    assert champion(lapses_in_31, recent).check_warnings(TODAY) == []
    assert champion(recent, datetime.date(2023, 11, 1)).check_warnings(TODAY) == [
        "Safeguarding training: lapsed on 1 November 2026."
    ]
    assert champion(None, recent).check_warnings(TODAY) == ["DBS check: not recorded."]


@override_settings(CHAMPION_DBS_CHECK_VALID_YEARS=1)
def test_the_period_comes_from_settings():
    fourteen_months_ago = datetime.date(2025, 9, 25)
    assert not champion(fourteen_months_ago, datetime.date(2026, 1, 1)).checks_current_on(TODAY)
