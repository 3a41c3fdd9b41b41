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
from parent_champions.services.families import family_token
from startwell.models import DeliveryFailure, MobilePhone, User
from tests.accounts import sign_in
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    ChildFactory,
    FamilyContactFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.factories.codesign import CommentFactory, IdeaFactory, SupportFactory
from tests.support.bookings import contact_child
from tests.support.courses import course_of
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


def check_renders(client, user, renders):
    """Like `check_pages`, for what a GET alone does not show: each render is (label,
    request), a request being `client -> response` (a refused form, a full session's 409); a
    request that writes must refuse, so that each language sees the same page."""
    found = {}
    for label, request in renders:
        english = None
        for language in [ENGLISH, *TRANSLATED]:
            speak(client, user, language)
            response = request(client)
            assert response.status_code in (200, 400, 409), (label, response.status_code)
            nodes = text_nodes(response.content.decode())
            if language == ENGLISH:
                english = nodes
                continue
            left = leaks(english, nodes, language)
            if left:
                found[f"{language} {label}"] = left
    assert found == {}


NUMBER = "+447911123456"


@pytest.fixture
def kept_family(place):
    """A family the centre keeps without an account, booked on today's session, with the
    parent's own confirmed mobile (so the parent may claim it) and a text that failed."""
    contact = FamilyContactFactory(
        centre=place["centre"], first_name="Amira", last_name="Begum", mobile=NUMBER
    )
    child = contact_child(contact, first_name="Zara")
    booking = BookingFactory(
        session=place["today"], parent=None, family_contact=contact, booked_by=place["champion"]
    )
    booking.children.add(child)
    MobilePhone.objects.create(user=place["parent"], number=NUMBER, confirmed_at=timezone.now())
    DeliveryFailure.objects.create(
        channel=DeliveryFailure.Channel.TEXT, address=NUMBER, reason="permanent-failure"
    )
    return contact


@pytest.mark.django_db
def test_claiming_the_bookings_a_centre_made_holds_no_english_of_ours(client, place, kept_family):
    sign_in(client, place["parent"])
    confirm = reverse("bookings:claim_confirm", args=[kept_family.pk])
    check_renders(
        client,
        place["parent"],
        [
            ("claim list", lambda c: c.get(reverse("bookings:claim_list"))),
            (
                "code sent",
                lambda c: c.post(
                    reverse("bookings:claim_list"), {"contact": kept_family.pk}, follow=True
                ),
            ),
            ("claim confirm", lambda c: c.get(confirm)),
            ("no code", lambda c: c.post(confirm, {"code": "12"})),
            ("wrong code", lambda c: c.post(confirm, {"code": "000000"})),
        ],
    )


@pytest.mark.django_db
def test_booking_a_full_session_a_drop_off_session_and_a_course_holds_no_english_of_ours(
    client, place, centre, settings
):
    settings.BOOKINGS_RATE_LIMIT = "100/m/user"  # every refusal, three times over
    parent = place["parent"]
    zain = parent.children.get()
    full = SessionFactory(activity=place["activity"], venue=place["session"].venue, capacity=1)
    BookingFactory(session=full, parent=UserFactory())
    drop_off = ActivityPageFactory(
        parent=centre, title="Holiday club", drop_off=True, min_age_months=None
    )
    drop_off_session = SessionFactory(activity=drop_off, venue=place["session"].venue)
    course = course_of(centre, title="Baby massage", min_age_months=None)
    sign_in(client, parent)
    book_drop_off = reverse("bookings:book", args=[drop_off_session.pk])
    field = f"drop_off_{zain.pk}_"
    answers = {
        "children": [zain.pk],
        field + "emergency_name": "Nadia Khan",
        field + "emergency_relationship": "aunt",
        field + "emergency_phone": "07911 123456",
        field + "photo_consent": "no",
    }
    check_renders(
        client,
        parent,
        [
            (
                "full",
                lambda c: c.post(reverse("bookings:book", args=[full.pk]), {"children": [zain.pk]}),
            ),
            ("drop-off form", lambda c: c.get(book_drop_off)),
            (
                "no emergency name",
                lambda c: c.post(book_drop_off, {**answers, field + "emergency_name": ""}),
            ),
            (
                "no relationship",
                lambda c: c.post(book_drop_off, {**answers, field + "emergency_relationship": ""}),
            ),
            (
                "no phone",
                lambda c: c.post(book_drop_off, {**answers, field + "emergency_phone": ""}),
            ),
            (
                "bad phone",
                lambda c: c.post(book_drop_off, {**answers, field + "emergency_phone": "12"}),
            ),
            (
                "no photo answer",
                lambda c: c.post(book_drop_off, {**answers, field + "photo_consent": ""}),
            ),
            (
                "long notes",
                lambda c: c.post(book_drop_off, {**answers, field + "medical_notes": "7" * 1001}),
            ),
            ("course form", lambda c: c.get(reverse("bookings:book_course", args=[course.pk]))),
            (
                "course refused",
                lambda c: c.post(reverse("bookings:book_course", args=[course.pk]), {}),
            ),
        ],
    )


@pytest.mark.django_db
def test_a_course_booking_holds_no_english_of_ours(client, place, centre):
    parent = place["parent"]
    course = course_of(centre, title="Baby massage", min_age_months=None)
    sign_in(client, parent)
    speak(client, parent, ENGLISH)
    response = client.post(
        reverse("bookings:book_course", args=[course.pk]),
        {"children": [parent.children.get().pk]},
    )
    assert response.status_code == 302, response.content.decode()
    detail = response.url
    check_pages(
        client,
        place,
        parent,
        [
            lambda p: detail,
            lambda p: detail + "cancel/",
            lambda p: reverse("bookings:booking_list"),
            lambda p: reverse("bookings:session_list"),
        ],
    )


@pytest.mark.django_db
def test_a_champions_family_contact_pages_hold_no_english_of_ours(client, place, kept_family):
    today = place["today"]
    sign_in(client, place["champion"])
    find = reverse("parent_champions:find_family", args=[today.pk])
    add = reverse("parent_champions:add_family", args=[today.pk])
    book = reverse(
        "parent_champions:book_family", args=[today.pk, family_token(today, contact=kept_family)]
    )
    record = reverse("parent_champions:family_record", args=[today.pk, kept_family.pk])
    family = {
        "first_name": "Ola",
        "mobile": "07911 654321",
        "contact_by": "text",
        "consent": "agreed by phone",
    }
    check_renders(
        client,
        place["champion"],
        [
            ("find", lambda c: c.get(find)),
            ("found", lambda c: c.post(find, {"query": "07911 123456"})),
            ("none found", lambda c: c.post(find, {"query": "07911 999999"})),
            ("part of a number", lambda c: c.post(find, {"query": "07911"})),
            ("add", lambda c: c.get(add)),
            ("add refused", lambda c: c.post(add, {})),
            ("no way to reach", lambda c: c.post(add, {**family, "mobile": ""})),
            ("known number", lambda c: c.post(add, {**family, "mobile": "07911 123456"})),
            ("e-mail needs address", lambda c: c.post(add, {**family, "contact_by": "email"})),
            ("child without a birth", lambda c: c.post(add, {**family, "child_1_name": "Kai"})),
            ("book", lambda c: c.get(book)),
            ("book refused", lambda c: c.post(book, {"children": []})),
            ("record", lambda c: c.get(record)),
        ],
    )


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
