"""A family contact claimed by the family's own account: offered only to an account that proved
the same mobile or e-mail, after a code sent to the contact; wrong and expired codes are refused
with limited tries, and code requests are rate-limited."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from bookings import claims
from bookings.errors import BookingError
from bookings.models import Booking, FamilyContact
from bookings.services import book_session
from startwell.models import MobilePhone
from tests.factories import ActivityPageFactory, FamilyContactFactory, SessionFactory, UserFactory
from tests.support.bookings import contact_child

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts_queued_at_once")]

NUMBER = "+447911123456"


@pytest.fixture
def contact(centre):
    contact = FamilyContactFactory(centre=centre, first_name="Amira", mobile=NUMBER)
    child = contact_child(contact, first_name="Zara")
    session = SessionFactory(activity=ActivityPageFactory(parent=centre))
    book_session(
        family_contact=contact, booked_by=UserFactory(), session_id=session.pk, children=[child]
    )
    return contact


@pytest.fixture
def account(db):
    user = UserFactory(email="amira@example.org")
    MobilePhone.objects.create(user=user, number=NUMBER, confirmed_at=timezone.now())
    return user


def code_from(notify_server) -> str:
    body = notify_server.texts[-1]["personalisation"]["body"]
    return next(word.strip(".") for word in body.split() if word.strip(".").isdigit())


def test_the_same_confirmed_mobile_claims_children_and_bookings(contact, account, notify_server):
    assert list(claims.claimable_by(account)) == [contact]
    claims.send_claim_code(user=account, contact_id=contact.pk)
    assert notify_server.texts[-1]["phone_number"] == NUMBER
    claims.claim(user=account, contact_id=contact.pk, code=code_from(notify_server))
    contact.refresh_from_db()
    assert contact.claimed_by == account
    booking = Booking.objects.get()
    assert (booking.parent, booking.family_contact) == (account, None)
    assert [child.first_name for child in account.children.all()] == ["Zara"]
    assert list(claims.claimable_by(account)) == []


def test_an_unconfirmed_mobile_is_not_offered_the_family(contact):
    stranger = UserFactory()
    MobilePhone.objects.create(user=stranger, number=NUMBER)  # not confirmed
    assert list(claims.claimable_by(stranger)) == []
    with pytest.raises(FamilyContact.DoesNotExist):
        claims.send_claim_code(user=stranger, contact_id=contact.pk)


def test_wrong_codes_use_up_tries_and_write_nothing(contact, account, notify_server):
    claims.send_claim_code(user=account, contact_id=contact.pk)
    right = code_from(notify_server)
    wrong = "000000" if right != "000000" else "111111"
    for left in range(claims.CODE_TRIES - 1, 0, -1):
        with pytest.raises(BookingError, match=f"{left} more tr"):
            claims.claim(user=account, contact_id=contact.pk, code=wrong)
    with pytest.raises(BookingError, match="no tries left"):
        claims.claim(user=account, contact_id=contact.pk, code=wrong)
    with pytest.raises(BookingError, match="no tries left"):
        claims.claim(user=account, contact_id=contact.pk, code=right)
    assert Booking.objects.get().family_contact == contact
    with pytest.raises(BookingError, match="6-digit"):
        claims.claim(user=account, contact_id=contact.pk, code="12")


def test_an_expired_code_is_refused(contact, account, notify_server):
    claims.send_claim_code(user=account, contact_id=contact.pk)
    FamilyContact.objects.filter(pk=contact.pk).update(
        claim_code_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(BookingError, match="expired"):
        claims.claim(user=account, contact_id=contact.pk, code=code_from(notify_server))
    assert Booking.objects.get().family_contact == contact


def test_the_claim_pages_offer_send_and_rate_limit_codes(
    client, contact, account, notify_server, settings
):
    settings.FAMILY_CLAIM_CODE_RATE_LIMIT = "2/m/user"
    client.force_login(account)
    assert (
        "Add those bookings to your account"
        in client.get(reverse("bookings:booking_list")).content.decode()
    )
    url = reverse("bookings:claim_list")
    for _ in range(2):
        response = client.post(url, {"contact": contact.pk})
        assert response["Location"] == reverse("bookings:claim_confirm", args=[contact.pk])
    response = client.post(url, {"contact": contact.pk}, follow=True)
    assert "several codes" in response.content.decode()
    assert len(notify_server.texts) == 2
    confirm = reverse("bookings:claim_confirm", args=[contact.pk])
    response = client.post(confirm, {"code": "12345x"})
    assert response.status_code == 400
    response = client.post(confirm, {"code": code_from(notify_server)})
    assert response.status_code == 302
    assert Booking.objects.get().parent == account


def test_another_accounts_claim_page_answers_404(client, contact):
    client.force_login(UserFactory())
    assert client.post(reverse("bookings:claim_list"), {"contact": contact.pk}).status_code == 404
    confirm = reverse("bookings:claim_confirm", args=[contact.pk])
    assert client.get(confirm).status_code == 404


def test_the_code_is_sent_in_the_language_of_the_account_that_asked(
    contact, account, notify_server
):
    account.language = "pl"
    account.save(update_fields=["language"])

    where = claims.send_claim_code(user=account, contact_id=contact.pk)

    body = notify_server.texts[-1]["personalisation"]["body"]
    assert body.startswith("Start Well: Twój kod do dodania rezerwacji do konta to ")
    claims.claim(user=account, contact_id=contact.pk, code=code_from(notify_server))
    assert where == "your mobile ending 456"  # the page's language, not the text's


def test_a_code_by_e_mail_is_in_the_language_of_the_account_that_asked(centre, mailoutbox):
    contact = FamilyContactFactory(
        centre=centre, first_name="Amira", mobile="", email="amira@example.org", contact_by="email"
    )
    account = UserFactory(email="amira@example.org", language="ur")
    EmailAddress.objects.filter(user=account).update(verified=True)

    claims.send_claim_code(user=account, contact_id=contact.pk)

    (message,) = mailoutbox
    assert message.subject == "آپ کا Start Well کوڈ"
    assert message.body.startswith("السلام علیکم Amira،")
    assert "اپنی بکنگز کو اپنے اکاؤنٹ میں شامل کرنے کا آپ کا کوڈ" in message.body


def test_the_bookings_claimed_show_at_once_on_my_bookings(client, contact, account, notify_server):
    client.force_login(account)
    booking = Booking.objects.get()
    assert booking.reference not in client.get("/bookings/").content.decode()
    claims.send_claim_code(user=account, contact_id=contact.pk)
    claims.claim(user=account, contact_id=contact.pk, code=code_from(notify_server))
    assert booking.reference in client.get("/bookings/").content.decode()
