"""The feedback pages: the family's form from the link (no sign-in needed), its refusals, the
managers' counts and comments, and the hosts' checked comments, with no names anywhere but
where they belong."""

import pytest
from django.urls import reverse

from feedback.models import CommentStatus, Feedback
from tests.factories import ChampionFactory, HostingFactory, UserFactory

pytestmark = pytest.mark.django_db


def give_url(token):
    return reverse("feedback:give", args=[token])


def test_the_form_opens_from_the_link_without_signing_in(client, asked):
    page = client.get(give_url(asked))

    assert page.status_code == 200
    html = page.content.decode()
    assert "How was Stay and play?" in html
    for label in ["How was it?", "Good", "OK", "Not good", "Would you come again?", "Maybe"]:
        assert label in html


def test_answering_thanks_the_family_and_offers_to_propose_an_idea(client, asked, centre):
    page = client.post(give_url(asked), {"rating": "ok", "come_again": "maybe", "comment": "Hot"})

    assert page.status_code == 200
    assert "Thank you" in page.content.decode()
    assert f"/ideas/new/?centre={centre.pk}" in page.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.come_again, feedback.comment) == ("ok", "maybe", "Hot")


def test_a_second_answer_from_the_same_link_is_refused_with_a_message(client, asked):
    client.post(give_url(asked), {"rating": "good", "come_again": "yes"})

    again = client.post(give_url(asked), {"rating": "not_good", "come_again": "no"})
    opened = client.get(give_url(asked))

    for page in (again, opened):
        assert "You have already told us about this session. Thank you!" in page.content.decode()
    assert Feedback.objects.get().rating == "good"


def test_a_tampered_link_answers_not_found_with_a_clear_message(client, asked):
    tampered = asked[:-2] + "xx"

    for page in (
        client.get(give_url(tampered)),
        client.post(give_url(tampered), {"rating": "good", "come_again": "yes"}),
    ):
        assert page.status_code == 404
        assert "This feedback link is not right" in page.content.decode()
    assert not Feedback.objects.filter(answered_at__isnull=False).exists()


def test_another_familys_link_is_refused_when_signed_in(client, asked):
    client.force_login(UserFactory())

    page = client.post(give_url(asked), {"rating": "good", "come_again": "yes"})

    assert page.status_code == 404
    assert "This link was sent to another family" in page.content.decode()
    assert not Feedback.objects.filter(answered_at__isnull=False).exists()


def test_a_form_with_nothing_chosen_says_what_is_missing(client, asked):
    page = client.post(give_url(asked), {"comment": "x"})

    assert page.status_code == 400
    html = page.content.decode()
    assert "Choose how it was: good, OK or not good." in html
    assert "Choose whether you would come again." in html
    assert not Feedback.objects.filter(answered_at__isnull=False).exists()


def test_managers_see_counts_and_comments_without_names(client, asked, manager, manager_totp, came):
    client.post(give_url(asked), {"rating": "good", "come_again": "yes", "comment": "Loved it"})
    client.force_login(manager)

    page = client.get(reverse("feedback:manage"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Loved it" in html and "Waiting for a check" in html
    for name in [came.parent.first_name, came.parent.last_name, came.parent.email, came.reference]:
        assert name not in html


def test_a_manager_shares_a_comment_and_the_hosts_then_see_it(
    client, asked, manager, manager_totp, centre, came
):
    client.post(give_url(asked), {"rating": "good", "come_again": "yes", "comment": "Loved it"})
    feedback = Feedback.objects.get()
    champion = ChampionFactory(centre=centre)
    HostingFactory(champion=champion, activity=came.session.activity)
    host = client.__class__()
    host.force_login(champion.user)
    assert "Loved it" not in host.get(reverse("feedback:hosted")).content.decode()

    client.force_login(manager)
    client.post(reverse("feedback:check_comment", args=[feedback.pk]), {"decision": "publish"})

    assert Feedback.objects.get().comment_status == CommentStatus.PUBLISHED
    html = host.get(reverse("feedback:hosted")).content.decode()
    assert "Loved it" in html
    assert came.parent.first_name not in html


def test_champions_and_parents_may_not_open_the_managers_page_or_check(client, asked, centre):
    champion = ChampionFactory(centre=centre)
    client.post(give_url(asked), {"rating": "good", "come_again": "yes", "comment": "Loved it"})
    feedback = Feedback.objects.get()

    for person in (champion.user, UserFactory()):
        client.force_login(person)
        assert client.get(reverse("feedback:manage")).status_code == 403
        check = reverse("feedback:check_comment", args=[feedback.pk])
        assert client.post(check, {"decision": "publish"}).status_code == 403
    assert Feedback.objects.get().comment_status == CommentStatus.WAITING


def test_the_managers_page_costs_the_same_queries_for_more_answers(
    client, asked, manager, manager_totp, django_assert_max_num_queries, yesterday
):
    from bookings.models import Attendance
    from feedback import services
    from tests.factories import BookingFactory

    for _ in range(5):
        BookingFactory(session=yesterday, attendance=Attendance.ATTENDED)
    services.ask_for_feedback()
    Feedback.objects.update(
        answered_at=yesterday.end,
        rating="good",
        come_again="yes",
        comment="Nice",
        comment_status="waiting",
    )
    client.force_login(manager)
    client.get(reverse("feedback:manage"))  # the sign-in's own first-request writes
    with django_assert_max_num_queries(20) as counted:
        client.get(reverse("feedback:manage"))
    many = len(counted.captured_queries)

    Feedback.objects.exclude(pk=Feedback.objects.first().pk).delete()
    with django_assert_max_num_queries(20) as counted:
        client.get(reverse("feedback:manage"))
    assert len(counted.captured_queries) == many
