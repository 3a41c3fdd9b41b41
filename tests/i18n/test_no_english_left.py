"""Every public and account page, the booking form, a family's bookings, a champion's register and
every message to a family, rendered in Polish and in Urdu, holds no English of ours: each is
compared with its English render, word by word, allowing the data the pages show (names, titles,
addresses) and the words each catalogue keeps on purpose (tests/support/untranslated.py)."""

import datetime
import re

import pytest
from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import Booking, Payment
from cms.models import PrivacyNoticePage
from codesign.models import IdeaStatus
from parent_champions.models import ChampionApplication
from startwell.models import User
from tests.accounts import sign_in
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.factories.codesign import CommentFactory, IdeaFactory, SupportFactory
from tests.support.times import started_earlier_today
from tests.support.untranslated import (
    catalogue_words,
    data_words,
    english_left,
    language_names,
    text_lines,
    text_nodes,
    words,
)

TRANSLATED = ["pl", "ur"]
ENGLISH = "en-gb"
SITE_URL = "https://startwell.example"
# Names the portal and the services it works with go by in every language.
PROPER_NOUNS = words(["Start Well", "Stripe", "Wagtail"])

# Messages written for centre staff and partner organisations, not for families or champions,
# are in English only.
STAFF_MESSAGES = {
    "codesign/email/comment_reported.txt",
    "codesign/email/idea_submitted.txt",
    "codesign/email/threshold_reached.txt",
    "parent_champions/email/application_received.txt",
    "parent_champions/email/practitioner_invited.txt",
}


@pytest.fixture(autouse=True)
def commit_hooks(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        yield


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """The pages below are rendered with their language active in the test's own thread."""
    yield
    translation.deactivate()


@pytest.fixture
def place(centre, home, without_page_cache):
    """A centre with a venue, an activity hosted by a champion, a session tomorrow with a
    family booked, a session today for the register, an idea with a comment, and the privacy
    notice."""
    venue = VenueFactory(centre=centre, name="Northfield Primary School hall")
    activity = ActivityPageFactory(
        parent=centre,
        title="Rhyme time",
        delivered_by="champions",
        access_notes="Buggy park by the door.",
        min_age_months=6,
    )
    tomorrow = SessionFactory(activity=activity, venue=venue)
    start = started_earlier_today()
    today = SessionFactory(
        activity=activity, venue=venue, start=start, end=start + datetime.timedelta(hours=2)
    )
    parent = UserFactory(first_name="Amira", last_name="Khan")
    child = ChildFactory(parent=parent, first_name="Zain")
    booking = BookingFactory(session=tomorrow, parent=parent)
    booking.children.add(child)
    on_register = BookingFactory(session=today, parent=UserFactory(first_name="Bea"))
    on_register.children.add(ChildFactory(parent=on_register.parent, first_name="Olek"))
    champion = ChampionFactory(centre=centre, user=UserFactory(first_name="Chris"))
    HostingFactory(champion=champion, activity=activity)
    idea = IdeaFactory(centre=centre, title="Dads' breakfast club", proposer=parent)
    SupportFactory(idea=idea)
    CommentFactory(idea=idea, author=UserFactory(first_name="Dee"), body="Count me in.")
    home.add_child(
        instance=PrivacyNoticePage(
            title="Privacy notice", slug="privacy-notice", intro="Who we are and why we hold data."
        )
    )
    return {
        "centre": centre,
        "activity": activity,
        "session": tomorrow,
        "today": today,
        "parent": parent,
        "booking": booking,
        "champion": champion.user,
        "idea": idea,
    }


def speak(client, user, language):
    """The visitor's choice of language, as the language control leaves it: the cookie, and
    for a signed-in person their account's choice; and the language of the test itself, which
    renders the page in the same thread."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None and any(field.name == "language" for field in User._meta.fields):
        User.objects.filter(pk=user.pk).update(language=language)
    translation.activate(language)


def page_text(client, user, url, language) -> list[str]:
    speak(client, user, language)
    response = client.get(url, follow=True)
    assert response.status_code in (200, 404), (url, response.status_code)
    return text_nodes(response.content.decode())


def leaks(english: list[str], translated: list[str], language: str, url: str = "") -> list[str]:
    """`url`: what a visitor typed into the address (a search) is data too."""
    allowed = data_words() | catalogue_words(language) | language_names() | PROPER_NOUNS
    allowed |= words(re.split(r"[?&=/+]", url))
    return english_left(english, translated, allowed)


PUBLIC_PAGES = [
    lambda p: "/",
    lambda p: "/centres/",
    lambda p: p["centre"].url,
    lambda p: p["activity"].url,
    lambda p: reverse("bookings:session_list"),
    lambda p: reverse("bookings:session_list") + "?age=2&age_unit=years&has_places=on",
    lambda p: reverse("search") + "?q=rhyme",
    lambda p: reverse("search") + "?q=zzzz",
    lambda p: reverse("privacy_notice"),
    lambda p: reverse("codesign:list"),
    lambda p: reverse("codesign:detail", args=[p["idea"].pk]),
    lambda p: reverse("codesign:you_said_we_did"),
    lambda p: "/no-such-page/",
    lambda p: reverse("account_login"),
    lambda p: reverse("account_signup"),
    lambda p: reverse("account_reset_password"),
]
FAMILY_PAGES = [
    lambda p: reverse("bookings:booking_list"),
    lambda p: reverse("bookings:book", args=[p["session"].pk]),
    lambda p: reverse("bookings:booking_detail", args=[p["booking"].reference]),
    lambda p: reverse("bookings:cancel_booking", args=[p["booking"].reference]),
    lambda p: reverse("child_list"),
    lambda p: reverse("child_add"),
    lambda p: reverse("mobile"),
    lambda p: reverse("codesign:new"),
    lambda p: reverse("codesign:detail", args=[p["idea"].pk]),
    lambda p: reverse("parent_champions:dashboard"),
    lambda p: reverse("parent_champions:apply"),
    lambda p: reverse("privacy:your_data"),
    lambda p: reverse("privacy:delete_account"),
    lambda p: reverse("account_email"),
    lambda p: reverse("account_change_password"),
    lambda p: reverse("mfa_index"),
]
CHAMPION_PAGES = [
    lambda p: reverse("parent_champions:dashboard"),
    lambda p: reverse("parent_champions:register", args=[p["today"].pk]),
    lambda p: reverse("parent_champions:message", args=[p["today"].pk]),
]


def check_pages(client, place, user, pages):
    found = {}
    for url in (page(place) for page in pages):
        english = page_text(client, user, url, ENGLISH)
        for language in TRANSLATED:
            left = leaks(english, page_text(client, user, url, language), language, url)
            if left:
                found[f"{language} {url}"] = left
    assert found == {}


@pytest.mark.django_db
def test_public_and_entrance_pages_hold_no_english_of_ours(client, place):
    check_pages(client, place, None, PUBLIC_PAGES)


@pytest.mark.django_db
def test_a_familys_pages_hold_no_english_of_ours(client, place):
    sign_in(client, place["parent"])
    check_pages(client, place, place["parent"], FAMILY_PAGES)


@pytest.mark.django_db
def test_a_champions_pages_hold_no_english_of_ours(client, place):
    sign_in(client, place["champion"])
    check_pages(client, place, place["champion"], CHAMPION_PAGES)


def message_variants(place):
    """(template, context) for every message to a family, in each of its forms."""
    booking, session = place["booking"], place["session"]
    base = {
        "booking": booking,
        "session": session,
        "activity": session.activity,
        "site_url": SITE_URL,
    }
    waiting = BookingFactory.build(
        session=session,
        parent=booking.parent,
        reference=booking.reference,
        status=Booking.Status.WAITING,
        places=2,
    )
    holding = BookingFactory.build(
        session=session,
        parent=booking.parent,
        reference=booking.reference,
        status=Booking.Status.PENDING_PAYMENT,
        places=2,
        amount_pence=350,
        hold_expires_at=timezone.now() + datetime.timedelta(hours=2),
    )
    left = BookingFactory.build(
        session=session,
        parent=booking.parent,
        reference=booking.reference,
        status=Booking.Status.LEFT_WAITING_LIST,
    )
    at_centre = BookingFactory.build(
        session=session,
        parent=booking.parent,
        reference=booking.reference,
        amount_pence=300,
        payment_due_at_centre=True,
    )
    funded = BookingFactory.build(
        session=session, parent=booking.parent, reference=booking.reference, funded=True
    )
    payment = Payment.objects.create(
        booking=booking, amount_pence=450, refund_reason="The centre cancelled the session."
    )
    # The lines the service writes (in the family's language) stand in as data here.
    moved = {
        "changes": [f"{session.activity.title} → {session.venue.name}"],
        "age_problems": [f"Zain: {session.activity.title}"],
    }
    variants = []
    for name in [
        "booking_confirmed",
        "waiting_list_joined",
        "promoted",
        "booking_cancelled",
        "session_cancelled",
        "session_moved",
        "reminder",
    ]:
        for kind in ("email", "sms"):
            for each in (booking, waiting, holding, left, at_centre, funded):
                variants.append((f"bookings/{kind}/{name}.txt", {**base, "booking": each, **moved}))
    variants.append(("bookings/email/booking_cancelled.txt", {**base, "on_behalf": True}))
    for name in ["hold_released", "refund_started", "refund_in_hand"]:
        variants.append((f"bookings/email/{name}.txt", {**base, "payment": payment}))
    idea = place["idea"]
    idea.activity = session.activity
    idea.response = "We will run it on Saturdays."
    idea.save()
    for status in IdeaStatus.values:
        idea.status = status
        variants.append(
            (
                "codesign/email/status_changed.txt",
                {"idea": idea, "url": SITE_URL, "sessions": [session]},
            )
        )
    variants.append(
        (
            "codesign/email/booking_opened.txt",
            {"idea": idea, "url": SITE_URL, "sessions": [session]},
        )
    )
    for status in ChampionApplication.Status.values:
        application = ChampionApplicationFactory(
            parent=UserFactory(),
            centre=place["centre"],
            status=status,
            decision_reason="We have enough champions this term.",
        )
        variants.append(
            (
                "parent_champions/email/application_decided.txt",
                {"application": application, "site_url": SITE_URL, "link": "/champions/"},
            )
        )
    variants.append(
        (
            "parent_champions/email/message_to_families.txt",
            {**base, "centre": place["centre"], "body": idea.description, "sender": "Chris"},
        )
    )
    variants.append(("privacy/email/export_ready.txt", {"link": SITE_URL, "days": 7}))
    variants.append(("privacy/email/idle_warning.txt", {"erase_on": timezone.localdate()}))
    return variants


@pytest.mark.django_db
def test_every_message_to_a_family_holds_no_english_of_ours(place):
    found = {}
    for template, context in message_variants(place):
        with translation.override(ENGLISH):
            english = text_lines(render_to_string(template, context))
        for language in TRANSLATED:
            with translation.override(language):
                translated = text_lines(render_to_string(template, context))
            left = leaks(english, translated, language)
            if left:
                found[f"{language} {template}"] = left
    assert found == {}


def test_the_messages_left_in_english_are_e_mails_that_exist():
    """The messages left out above (to centre managers and partner organisations' staff) are
    e-mail templates that exist: a renamed one is not silently left out."""
    for template in STAFF_MESSAGES:
        assert "/email/" in template
        get_template(template)


def test_the_check_finds_english_left_in_a_translation():
    """The control: an English phrase inside a translated sentence is found, data and the
    catalogue's own words are not."""
    english = ["Booking opens 3 December at 10:00", "Rhyme time", "Pay by card on Stripe"]
    translated = ["Zapisy od 3 grudnia at 10:00", "Rhyme time", "Zapłać kartą Stripe", "Opens soon"]
    left = english_left(english, translated, allowed=words(["Rhyme time", "Stripe"]))
    assert left == ["'Opens soon': opens"]
