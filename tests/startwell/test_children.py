"""A parent's children pages: only their own, only a first name and month and year of birth."""

import pytest
from django.utils import timezone

from bookings.models import Booking
from startwell.models import Child, describe_age
from tests.factories import BookingFactory, ChildFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(db):
    return UserFactory(email="parent@example.org")


@pytest.fixture
def signed_in(client, parent):
    client.force_login(parent)
    return client


def test_children_pages_need_signing_in(client):
    response = client.get("/children/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/children/"


def test_parent_sees_only_their_own_children(signed_in, parent):
    ChildFactory(parent=parent, first_name="Ada", birth_month=3, birth_year=2024)
    ChildFactory(first_name="Zed")
    html = signed_in.get("/children/").content.decode()
    assert "Ada" in html
    assert "Born March 2024" in html
    assert "Zed" not in html


def test_parent_adds_a_child(signed_in, parent):
    response = signed_in.post(
        "/children/add/", {"first_name": " Ada ", "birth_month": "3", "birth_year": "2024"}
    )
    assert response.status_code == 302
    assert response.url == "/children/"
    child = Child.objects.get()
    assert (child.parent, child.first_name, child.birth_month, child.birth_year) == (
        parent,
        "Ada",
        3,
        2024,
    )
    assert "Ada is added to your children." in signed_in.get("/children/").content.decode()


def test_adding_a_child_goes_back_to_the_booking_form(signed_in):
    response = signed_in.post(
        "/children/add/",
        {
            "first_name": "Ada",
            "birth_month": "3",
            "birth_year": "2024",
            "next": "/sessions/4/book/",
        },
    )
    assert response.url == "/sessions/4/book/"
    elsewhere = signed_in.post(
        "/children/add/",
        {
            "first_name": "Ben",
            "birth_month": "3",
            "birth_year": "2024",
            "next": "https://evil.example/",
        },
    )
    assert elsewhere.url == "/children/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"first_name": "", "birth_month": "3", "birth_year": "2024"}, "This field is required."),
        ({"first_name": "Ada", "birth_month": "", "birth_year": "2024"}, "This field is required."),
        (
            {"first_name": "Ada", "birth_month": "13", "birth_year": "2024"},
            "Select a valid choice.",
        ),
        (
            {
                "first_name": "Ada",
                "birth_month": "1",
                "birth_year": str(timezone.localdate().year + 1),
            },
            "The month of birth cannot be in the future.",
        ),
        (
            {"first_name": "Ada", "birth_month": "1", "birth_year": "1990"},
            "Children&#x27;s profiles are for children under 19.",
        ),
    ],
)
def test_bad_child_details_are_refused_next_to_the_field(signed_in, data, message):
    response = signed_in.post("/children/add/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Child.objects.exists()


def test_parent_changes_a_childs_details(signed_in, parent):
    child = ChildFactory(parent=parent, first_name="Ada", birth_month=3, birth_year=2024)
    form = signed_in.get(f"/children/{child.pk}/edit/").content.decode()
    assert 'value="Ada"' in form
    signed_in.post(
        f"/children/{child.pk}/edit/",
        {"first_name": "Adaeze", "birth_month": "4", "birth_year": "2024"},
    )
    child.refresh_from_db()
    assert (child.first_name, child.birth_month) == ("Adaeze", 4)


def test_parent_removes_a_child_after_confirming(signed_in, parent):
    child = ChildFactory(parent=parent, first_name="Ada")
    assert "Remove Ada?" in signed_in.get(f"/children/{child.pk}/remove/").content.decode()
    assert Child.objects.filter(pk=child.pk).exists()
    response = signed_in.post(f"/children/{child.pk}/remove/")
    assert response.url == "/children/"
    assert not Child.objects.filter(pk=child.pk).exists()


def test_a_child_booked_on_an_upcoming_session_is_kept(signed_in, parent):
    child = ChildFactory(parent=parent, first_name="Ada")
    booking = BookingFactory(session=SessionFactory(), parent=parent)
    booking.children.set([child])
    response = signed_in.post(f"/children/{child.pk}/remove/")
    assert response.status_code == 400
    assert "Ada is booked on a session that has not happened yet." in response.content.decode()
    assert Child.objects.filter(pk=child.pk).exists()
    Booking.objects.update(status=Booking.Status.CANCELLED)
    signed_in.post(f"/children/{child.pk}/remove/")
    assert not Child.objects.filter(pk=child.pk).exists()


def test_someone_elses_child_is_not_found(signed_in):
    stranger = ChildFactory(first_name="Zed", birth_month=1, birth_year=2023)
    for url in (f"/children/{stranger.pk}/edit/", f"/children/{stranger.pk}/remove/"):
        assert signed_in.get(url).status_code == 404
        data = {"first_name": "Hacked", "birth_month": "2", "birth_year": "2023"}
        assert signed_in.post(url, data).status_code == 404
    stranger.refresh_from_db()
    assert stranger.first_name == "Zed"


@pytest.mark.parametrize(
    ("months", "said"),
    [
        (-1, "not born yet"),
        (0, "0 months"),
        (1, "1 month"),
        (23, "23 months"),
        (24, "2 years"),
        (25, "2 years 1 month"),
        (38, "3 years 2 months"),
        (48, "4 years"),
    ],
)
def test_ages_are_said_in_months_then_years_and_months(months, said):
    assert describe_age(months) == said
