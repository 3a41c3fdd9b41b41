"""A family's mobile number: added as a UK mobile in E.164, confirmed by a texted code (a few
tries, a short expiry), unique among confirmed numbers; and the choice of e-mail, text or both.
Every refusal says why next to the field and writes nothing."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from startwell import mobiles
from startwell.models import MobilePhone, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts_queued_at_once")]

NUMBER = "07911 123456"
E164 = "+447911123456"


@pytest.fixture
def texts(capsys):
    """The texts the worker printed (no Notify key: development), as (to, code)."""

    def read():
        out = capsys.readouterr().out
        return re.findall(r"Text message to (\+\d+):\nStart Well: your code is (\d{6})", out)

    return read


def confirmed(user, number=E164):
    return MobilePhone.objects.create(user=user, number=number, confirmed_at=timezone.now())


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", mobiles.NOT_A_NUMBER),
        ("12345", mobiles.NOT_A_NUMBER),
        ("07911 12345a", mobiles.NOT_A_NUMBER),
        ("+33 6 12 34 56 78", mobiles.NOT_UK),
        ("020 7946 0000", mobiles.NOT_MOBILE),
    ],
)
def test_only_uk_mobiles_are_taken(parent, typed, message, texts):
    with pytest.raises(mobiles.MobileError) as error:
        mobiles.start_confirming(user=parent, number_text=typed)
    assert error.value.message == message
    assert error.value.field == "number"
    assert not MobilePhone.objects.exists()
    assert texts() == []


def test_a_number_is_kept_in_e164_and_confirmed_by_the_code_texted(parent, texts):
    mobile = mobiles.start_confirming(user=parent, number_text="+44 (0)7911-123 456")
    assert str(mobile.number) == E164
    assert not mobile.is_confirmed
    [(to, code)] = texts()
    assert to == E164
    assert code not in mobile.code_digest
    mobiles.confirm(user=parent, code=f" {code[:3]} {code[3:]} ")
    mobile.refresh_from_db()
    assert mobile.is_confirmed
    assert mobile.code_digest == ""
    assert mobiles.confirmed_number(parent) == E164


def test_a_number_confirmed_on_another_account_is_refused(parent, texts):
    confirmed(UserFactory())
    with pytest.raises(mobiles.MobileError, match="already confirmed on another account"):
        mobiles.start_confirming(user=parent, number_text=NUMBER)
    assert not MobilePhone.objects.filter(user=parent).exists()
    assert texts() == []


def test_the_second_to_confirm_the_same_number_is_refused(parent, texts):
    other = UserFactory()
    mobiles.start_confirming(user=parent, number_text=NUMBER)
    mobiles.start_confirming(user=other, number_text=NUMBER)
    (_, mine), (_, theirs) = texts()
    mobiles.confirm(user=other, code=theirs)
    with pytest.raises(mobiles.MobileError, match="already confirmed on another account"):
        mobiles.confirm(user=parent, code=mine)
    assert not MobilePhone.objects.get(user=parent).is_confirmed


def test_wrong_codes_use_up_the_tries(parent, texts):
    mobiles.start_confirming(user=parent, number_text=NUMBER)
    [(_, code)] = texts()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in range(mobiles.CODE_TRIES - 1, 0, -1):
        with pytest.raises(mobiles.MobileError, match=f"You have {left} more tr") as error:
            mobiles.confirm(user=parent, code=wrong)
        assert error.value.field == "code"
    with pytest.raises(mobiles.MobileError, match="no tries left"):
        mobiles.confirm(user=parent, code=wrong)
    # Even the right code is refused now: a new code is needed.
    with pytest.raises(mobiles.MobileError, match="no tries left"):
        mobiles.confirm(user=parent, code=code)
    assert not MobilePhone.objects.get(user=parent).is_confirmed
    mobiles.start_confirming(user=parent, number_text=NUMBER)
    [(_, new_code)] = texts()
    mobiles.confirm(user=parent, code=new_code)
    assert MobilePhone.objects.get(user=parent).is_confirmed


def test_an_expired_code_is_refused(parent, texts):
    mobiles.start_confirming(user=parent, number_text=NUMBER)
    [(_, code)] = texts()
    MobilePhone.objects.filter(user=parent).update(
        code_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(mobiles.MobileError, match="expired"):
        mobiles.confirm(user=parent, code=code)
    assert not MobilePhone.objects.get(user=parent).is_confirmed


@pytest.mark.parametrize("typed", ["", "12345", "abcdef", "1234567"])
def test_a_code_that_is_not_six_digits_uses_no_try(parent, texts, typed):
    mobiles.start_confirming(user=parent, number_text=NUMBER)
    with pytest.raises(mobiles.MobileError, match="6-digit code"):
        mobiles.confirm(user=parent, code=typed)
    assert MobilePhone.objects.get(user=parent).tries_left == mobiles.CODE_TRIES


def test_no_code_waiting(parent):
    with pytest.raises(mobiles.MobileError, match="Add your mobile number first"):
        mobiles.confirm(user=parent, code="123456")


def test_text_needs_a_confirmed_number(parent):
    for choice in (User.ContactBy.TEXT, User.ContactBy.BOTH):
        with pytest.raises(mobiles.MobileError, match="Confirm a mobile number") as error:
            mobiles.choose_contact(user=parent, contact_by=choice)
        assert error.value.field == "contact_by"
    parent.refresh_from_db()
    assert parent.contact_by == User.ContactBy.EMAIL
    MobilePhone.objects.create(user=parent, number=E164)  # not confirmed
    with pytest.raises(mobiles.MobileError):
        mobiles.choose_contact(user=parent, contact_by=User.ContactBy.TEXT)


def test_channels_follow_the_choice(parent):
    assert mobiles.channels(parent) == (parent.email, None)
    confirmed(parent)
    mobiles.choose_contact(user=parent, contact_by=User.ContactBy.TEXT)
    assert mobiles.channels(parent) == (None, E164)
    mobiles.choose_contact(user=parent, contact_by=User.ContactBy.BOTH)
    assert mobiles.channels(parent) == (parent.email, E164)
    mobiles.remove(user=parent)
    parent.refresh_from_db()
    assert parent.contact_by == User.ContactBy.EMAIL
    assert mobiles.channels(parent) == (parent.email, None)


# --- The pages ----------------------------------------------------------------------------------


def test_a_parent_adds_and_confirms_a_number_and_chooses_texts(client, parent, texts):
    client.force_login(parent)
    page = client.get(reverse("mobile"))
    assert page.status_code == 200
    response = client.post(reverse("mobile"), {"action": "number", "number": NUMBER})
    assert response.status_code == 302
    assert response["Location"] == reverse("mobile_confirm")
    [(_, code)] = texts()
    assert "07911 123456" in client.get(reverse("mobile_confirm")).content.decode()
    response = client.post(reverse("mobile_confirm"), {"code": code})
    assert response.status_code == 302
    response = client.post(reverse("mobile"), {"action": "contact", "contact_by": "both"})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.contact_by == User.ContactBy.BOTH


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "number", "number": "020 7946 0000"}, "looks like a landline"),
        ({"action": "number", "number": "+33 6 12 34 56 78"}, "only send texts to UK mobiles"),
        ({"action": "number", "number": "0791"}, "Enter a UK mobile number, like"),
        ({"action": "contact", "contact_by": "text"}, "Confirm a mobile number"),
    ],
)
def test_refusals_are_shown_next_to_the_field(client, parent, data, message):
    client.force_login(parent)
    response = client.post(reverse("mobile"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "invalid-feedback" in page
    assert not MobilePhone.objects.exists()
    parent.refresh_from_db()
    assert parent.contact_by == User.ContactBy.EMAIL


def test_a_wrong_code_is_shown_next_to_the_field(client, parent, texts):
    client.force_login(parent)
    client.post(reverse("mobile"), {"action": "number", "number": NUMBER})
    [(_, code)] = texts()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mobile_confirm"), {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not MobilePhone.objects.get(user=parent).is_confirmed


def test_the_pages_need_a_sign_in(client):
    for name in ("mobile", "mobile_confirm"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
