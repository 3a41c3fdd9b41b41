"""Applying, a manager's decisions and who hosts or covers what, proven against a real database
through the services."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from parent_champions.errors import ChampionError
from parent_champions.models import Champion, ChampionApplication, Hosting
from parent_champions.services import applications
from tests.factories import (
    ActivityPageFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def apply(parent, centre, **overrides):
    data = {"why": "To help.", "strengths": "Singing.", "availability": "Mornings.", **overrides}
    return applications.apply_to_be_champion(parent=parent, centre_id=centre.pk, **data)


# --- Applying and deciding ----------------------------------------------------------------------


def test_a_parent_applies_and_the_centre_managers_are_told(parent, centre, manager):
    application = apply(parent, centre)
    assert application.status == ChampionApplication.Status.OPEN
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "New champion application" in mail.outbox[0].subject


def test_applying_twice_while_open_is_refused_and_writes_nothing(parent, centre):
    apply(parent, centre)
    with pytest.raises(ChampionError, match="already have an application waiting"):
        apply(parent, centre, why="Again.")
    assert ChampionApplication.objects.filter(parent=parent).count() == 1


def test_the_database_keeps_one_open_application_per_centre(parent, centre):
    ChampionApplicationFactory(parent=parent, centre=centre)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChampionApplicationFactory(parent=parent, centre=centre)


def test_a_parent_may_apply_again_after_a_decline_and_to_another_centre(
    parent, centre, other_centre, manager
):
    first = apply(parent, centre)
    applications.decline_application(application_id=first.pk, reason="No places now.", by=manager)
    apply(parent, centre)
    apply(parent, other_centre)
    assert ChampionApplication.objects.filter(parent=parent).count() == 3


@pytest.mark.parametrize("field", ["why", "strengths", "availability"])
def test_every_answer_is_needed(parent, centre, field):
    with pytest.raises(ChampionError) as error:
        apply(parent, centre, **{field: "   "})
    assert error.value.field == field
    assert not ChampionApplication.objects.exists()


def test_unverified_parents_and_existing_champions_cannot_apply(centre, champion):
    with pytest.raises(ChampionError, match="confirm your e-mail"):
        apply(UserFactory(verified=False), centre)
    with pytest.raises(ChampionError, match="already a champion"):
        apply(champion.user, centre)
    assert not ChampionApplication.objects.exists()


def test_approving_makes_an_active_champion_and_tells_the_parent(parent, centre, manager):
    application = apply(parent, centre)
    mail.outbox.clear()
    champion = applications.approve_application(application_id=application.pk, by=manager)
    assert champion.is_active and champion.centre == centre and champion.approved_by == manager
    assert not champion.checks_current  # nothing recorded yet
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == manager
    assert [m.to for m in mail.outbox] == [[parent.email]]
    assert "you are now a parent champion" in mail.outbox[0].body


def test_declining_needs_a_reason_which_the_parent_reads(parent, centre, manager):
    application = apply(parent, centre)
    with pytest.raises(ChampionError, match="Say why"):
        applications.decline_application(application_id=application.pk, reason=" ", by=manager)
    application.refresh_from_db()
    assert application.is_open
    mail.outbox.clear()
    applications.decline_application(application_id=application.pk, reason="Full team.", by=manager)
    application.refresh_from_db()
    assert application.status == "declined" and application.decision_reason == "Full team."
    assert "Their reason: Full team." in mail.outbox[0].body
    assert not Champion.objects.exists()


def test_decisions_are_for_that_centres_managers_once(parent, centre, manager, other_manager):
    application = apply(parent, centre)
    with pytest.raises(ChampionError, match="centre's managers"):
        applications.approve_application(application_id=application.pk, by=other_manager)
    assert not Champion.objects.exists()
    applications.approve_application(application_id=application.pk, by=manager)
    with pytest.raises(ChampionError, match="already been decided"):
        applications.decline_application(application_id=application.pk, reason="x", by=manager)


# --- Looking after champions -------------------------------------------------------------------


def test_suspend_and_reinstate(champion, manager, other_manager):
    with pytest.raises(ChampionError):
        applications.suspend_champion(champion_id=champion.pk, by=other_manager)
    applications.suspend_champion(champion_id=champion.pk, by=manager)
    champion.refresh_from_db()
    assert champion.status == Champion.Status.SUSPENDED
    with pytest.raises(ChampionError, match="already suspended"):
        applications.suspend_champion(champion_id=champion.pk, by=manager)
    applications.reinstate_champion(champion_id=champion.pk, by=manager)
    champion.refresh_from_db()
    assert champion.is_active


def test_recording_checks_refuses_future_dates(champion, manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ChampionError) as error:
        applications.record_checks(
            champion_id=champion.pk,
            dbs_checked_on=tomorrow,
            training_completed_on=timezone.localdate(),
            by=manager,
        )
    assert error.value.field == "dbs_checked_on"
    old = champion.dbs_checked_on
    champion.refresh_from_db()
    assert champion.dbs_checked_on == old
    applications.record_checks(
        champion_id=champion.pk,
        dbs_checked_on=timezone.localdate(),
        training_completed_on=timezone.localdate(),
        by=manager,
    )
    champion.refresh_from_db()
    assert champion.dbs_checked_on == timezone.localdate()


def test_hosting_for_children_needs_current_checks(centre, activity, session_tomorrow, manager):
    unchecked = ChampionFactory(centre=centre, dbs_checked_on=None)
    for target in ({"activity_id": activity.pk}, {"session_id": session_tomorrow.pk}):
        with pytest.raises(ChampionError, match="cannot host sessions for children"):
            applications.assign_host(champion_id=unchecked.pk, by=manager, **target)
    assert not Hosting.objects.exists()
    adults = ActivityPageFactory(parent=centre, adults_only=True, max_age_months=None)
    hosting = applications.assign_host(champion_id=unchecked.pk, by=manager, activity_id=adults.pk)
    assert hosting.activity_id == adults.pk and hosting.assigned_by == manager


def test_hosting_stays_within_the_centre_and_is_not_repeated(
    centre, activity, other_activity, manager
):
    champion = ChampionFactory(centre=centre)
    with pytest.raises(ChampionError, match="their own centre"):
        applications.assign_host(champion_id=champion.pk, by=manager, activity_id=other_activity.pk)
    applications.assign_host(champion_id=champion.pk, by=manager, activity_id=activity.pk)
    with pytest.raises(ChampionError, match="already hosts"):
        applications.assign_host(champion_id=champion.pk, by=manager, activity_id=activity.pk)
    with pytest.raises(ChampionError, match="one activity or one session"):
        applications.assign_host(champion_id=champion.pk, by=manager)
    assert Hosting.objects.count() == 1


def test_a_hosting_is_an_activity_or_a_session_never_both(champion, activity, session_tomorrow):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hosting.objects.create(champion=champion, activity=activity, session=session_tomorrow)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hosting.objects.create(champion=champion)
