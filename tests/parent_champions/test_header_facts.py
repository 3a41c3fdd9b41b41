"""The header's facts about the signed-in person (the "Champions" link, staff) are kept in the
shared cache between requests: a change of role shows on the next request, and one person's
facts never show for another."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parent_champions.models import Champion
from startwell import person_facts
from startwell.models import User
from startwell.second_factor import is_staff_member
from startwell.selectors import has_verified_email
from tests.factories import ChampionFactory, PractitionerFactory, UserFactory

CHAMPIONS_LINK = 'href="/champions/"'


def header(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("search")).content.decode()


def fresh(user) -> User:
    """The person as the next request loads them (nothing kept on the object)."""
    return User.objects.get(pk=user.pk)


def test_facts_are_read_from_the_cache_on_the_next_request(centre):
    person = UserFactory()
    ChampionFactory(centre=centre, user=person)
    assert person_facts.facts_for(fresh(person))["champions_link"] is True
    next_request = fresh(person)
    with CaptureQueriesContext(connection) as queries:
        facts = person_facts.facts_for(next_request)
    assert facts == {
        "champions_link": True,
        "staff_permission": False,
        "verified_email": True,
        "champions_second_factor": False,
    }
    assert len(queries) == 0


def test_every_fact_is_worked_out_in_one_query(centre):
    manager = UserFactory()
    manager.groups.add(centre.manager_group)
    next_request = fresh(manager)
    with CaptureQueriesContext(connection) as queries:
        facts = person_facts.facts_for(next_request)
    assert facts == {
        "champions_link": True,
        "staff_permission": True,
        "verified_email": True,
        "champions_second_factor": False,
    }
    assert len(queries) == 1


def test_becoming_and_ceasing_to_be_a_champion_shows_on_the_next_request(client, centre):
    person = UserFactory()
    assert CHAMPIONS_LINK not in header(client, person)
    champion = ChampionFactory(centre=centre, user=person)
    assert CHAMPIONS_LINK in header(client, person)
    Champion.objects.get(pk=champion.pk).delete()
    assert CHAMPIONS_LINK not in header(client, person)


def test_a_practitioner_role_removed_shows_on_the_next_request(client, centre):
    role = PractitionerFactory(centre=centre)
    assert CHAMPIONS_LINK in header(client, role.user)
    role.delete()
    assert CHAMPIONS_LINK not in header(client, role.user)


def test_joining_and_leaving_a_centres_managers_shows_on_the_next_request(client, centre):
    person = UserFactory()
    assert not is_staff_member(fresh(person))
    assert CHAMPIONS_LINK not in header(client, person)
    person.groups.add(centre.manager_group)
    assert is_staff_member(fresh(person))
    person.groups.remove(centre.manager_group)
    assert not is_staff_member(fresh(person))
    assert CHAMPIONS_LINK not in header(client, person)


def test_a_groups_permission_taken_away_shows_on_the_next_request(centre):
    person = UserFactory()
    person.groups.add(centre.manager_group)
    assert is_staff_member(fresh(person))
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    centre.manager_group.permissions.remove(access_admin)
    assert not is_staff_member(fresh(person))


def test_a_staff_permission_given_to_the_person_shows_on_the_next_request(db):
    person = UserFactory()
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    assert not is_staff_member(fresh(person))
    person.user_permissions.add(access_admin)
    assert is_staff_member(fresh(person))
    person.user_permissions.remove(access_admin)
    assert not is_staff_member(fresh(person))


def test_the_staff_flag_shows_on_the_next_request(centre):
    person = UserFactory()
    assert not is_staff_member(fresh(person))
    person.is_staff = True
    person.save()
    assert is_staff_member(fresh(person))
    person.is_staff = False
    person.save(update_fields=["is_staff"])
    assert not is_staff_member(fresh(person))


def test_an_address_confirmed_or_removed_shows_on_the_next_request(db):
    person = UserFactory(verified=False)
    address = EmailAddress.objects.get(user=person)
    assert not has_verified_email(fresh(person))
    # Another address added, not confirmed yet (as every sign-up's is), changes nothing.
    EmailAddress.objects.create(user=person, email="second@example.org")
    assert not has_verified_email(fresh(person))
    address.set_verified()
    assert has_verified_email(fresh(person))
    address.delete()
    assert not has_verified_email(fresh(person))


def test_one_persons_facts_never_show_for_another(client, centre):
    champion = ChampionFactory(centre=centre).user
    manager = UserFactory()
    manager.groups.add(centre.manager_group)
    parent = UserFactory()
    # Each person's facts are kept (the champion's and manager's first), then each is asked
    # again with all three kept side by side.
    for _ in range(2):
        assert CHAMPIONS_LINK in header(client, champion)
        assert CHAMPIONS_LINK in header(client, manager)
        assert CHAMPIONS_LINK not in header(client, parent)
        assert is_staff_member(fresh(manager))
        assert not is_staff_member(fresh(champion))
        assert not is_staff_member(fresh(parent))


def test_with_the_cache_switched_off_facts_are_worked_out_each_time(settings, centre):
    settings.PAGE_CACHE_SECONDS = 0
    person = UserFactory()
    assert person_facts.facts_for(fresh(person))["champions_link"] is False
    ChampionFactory(centre=centre, user=person)
    assert person_facts.facts_for(fresh(person))["champions_link"] is True
