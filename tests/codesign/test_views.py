"""Co-design pages as a person uses them: what they see, what each form does with bad input."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from codesign.models import Comment, Idea, IdeaStatus, Support
from tests.factories import SessionFactory, UserFactory
from tests.factories.codesign import CommentFactory, IdeaFactory, SupportFactory

S = IdeaStatus


def html(response) -> str:
    return response.content.decode()


# --- The listing --------------------------------------------------------------------------------


def _listing_queries(client, url="/ideas/") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_listing_uses_the_same_queries_for_1_and_200_ideas(
    client, centre, other_centre, without_page_cache
):
    idea = IdeaFactory(centre=centre)
    SupportFactory(idea=idea)
    CommentFactory(idea=idea)
    one = _listing_queries(client)

    for n in range(199):
        extra = IdeaFactory(centre=other_centre if n % 2 else centre, title=f"More {n}")
        if n % 10 == 0:
            SupportFactory(idea=extra)
            CommentFactory(idea=extra)
    assert Idea.objects.count() == 200
    assert _listing_queries(client) == one
    assert _listing_queries(client, "/ideas/?sort=active&page=3") == one


def test_the_listing_shows_public_ideas_with_counts_and_hides_the_rest(client, centre):
    popular = IdeaFactory(centre=centre, title="Popular idea")
    for _ in range(3):
        SupportFactory(idea=popular)
    IdeaFactory(centre=centre, title="Quiet idea")
    for status in [S.SUBMITTED, S.REJECTED, S.WITHDRAWN]:
        IdeaFactory(centre=centre, status=status, title=f"Not public {status}")

    page = html(client.get("/ideas/"))
    assert page.index("Popular idea") < page.index("Quiet idea")
    assert "3 supporters" in page
    assert "Not public" not in page


def test_the_listing_filters_by_centre_and_status_and_sorts(client, centre, other_centre):
    IdeaFactory(centre=centre, title="Northfield idea")
    IdeaFactory(centre=other_centre, title="Riverside idea", status=S.UNDER_REVIEW)

    page = html(client.get("/ideas/", {"centre": other_centre.pk}))
    assert "Riverside idea" in page and "Northfield idea" not in page

    page = html(client.get("/ideas/", {"status": "published"}))
    assert "Northfield idea" in page and "Riverside idea" not in page

    page = html(client.get("/ideas/", {"sort": "newest"}))
    assert page.index("Riverside idea") < page.index("Northfield idea")

    # Unknown filters are ignored, not an error.
    assert client.get("/ideas/", {"centre": "abc", "sort": "zzz"}).status_code == 200


# --- Proposing ----------------------------------------------------------------------------------


def _proposal(for_centre, **overrides):
    return {
        "centre": for_centre.pk,
        "title": "Dads' breakfast club",
        "description": "Breakfast on Saturdays.",
        "audience": "family",
        "suggested_times": "Saturday 9:30",
        **overrides,
    }


def test_proposing_needs_a_signed_in_parent(client, centre):
    response = client.get(reverse("codesign:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_parent_proposes_an_idea_and_sees_it_waiting(client, centre, parent):
    client.force_login(parent)
    response = client.post(reverse("codesign:new"), _proposal(centre), follow=True)
    idea = Idea.objects.get()
    assert (idea.proposer, idea.status, idea.centre) == (parent, S.SUBMITTED, centre)
    assert "The centre&#x27;s team will check your idea" in html(response)
    assert "Only you and the team can see it" in html(response)
    # Nobody else can see it yet.
    assert Client().get(reverse("codesign:detail", args=[idea.pk])).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give your idea a short title."),
        ("title", "x" * 121, "Keep this to 120 characters or fewer (you have 121)."),
        ("description", "", "Tell us a little about your idea."),
        ("description", "x" * 3001, "Keep this to 3000 characters or fewer (you have 3001)."),
        ("audience", "", "Choose who the idea is for."),
        ("centre", "999999", "Choose one of our centres."),
    ],
)
def test_bad_proposals_show_a_message_by_the_field_and_write_nothing(
    client, centre, parent, field, value, message
):
    client.force_login(parent)
    response = client.post(reverse("codesign:new"), _proposal(centre, **{field: value}))
    assert response.status_code == 200
    assert message in html(response)
    assert f'id="id_{field}"' in html(response)
    assert not Idea.objects.exists()


def test_the_sixth_idea_of_the_day_is_refused_with_a_clear_message(client, centre, parent):
    for n in range(5):
        IdeaFactory(centre=centre, proposer=parent, title=f"Idea {n}")
    client.force_login(parent)
    response = client.post(reverse("codesign:new"), _proposal(centre))
    assert "up to 5 ideas a day" in html(response)
    assert Idea.objects.count() == 5


def test_html_in_ideas_and_comments_is_shown_as_text(client, centre, parent):
    idea = IdeaFactory(
        centre=centre,
        title="<script>alert('title')</script>",
        description="<b>bold</b><img src=x onerror=alert(1)>",
    )
    CommentFactory(idea=idea, body="<script>alert('comment')</script>")
    page = html(client.get(reverse("codesign:detail", args=[idea.pk])))
    assert "<script>alert(" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;comment&#x27;)&lt;/script&gt;" in page


# --- Reading and taking part ------------------------------------------------------------------


def test_the_idea_page_shows_the_offer_of_help_only_to_the_team(client, idea, manager):
    idea.can_help = True
    idea.help_offer = "I play the guitar"
    idea.save()
    url = reverse("codesign:detail", args=[idea.pk])
    assert "I play the guitar" not in html(client.get(url))
    client.force_login(manager)
    assert "I play the guitar" in html(client.get(url))


def test_a_parent_supports_and_takes_back_support(client, idea, other_parent):
    client.force_login(other_parent)
    response = client.post(reverse("codesign:support", args=[idea.pk]), follow=True)
    assert "Thank you for your support." in html(response)
    assert "1 supporter" in html(response)
    assert "Take back my support" in html(response)

    response = client.post(reverse("codesign:support", args=[idea.pk]), follow=True)
    assert "You already support this idea." in html(response)
    assert Support.objects.count() == 1

    response = client.post(reverse("codesign:unsupport", args=[idea.pk]), follow=True)
    assert "You no longer support this idea." in html(response)
    assert not Support.objects.exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.WITHDRAWN, S.REJECTED])
def test_hidden_or_withdrawn_ideas_cannot_be_supported(client, centre, other_parent, status):
    idea = IdeaFactory(centre=centre, status=status)
    client.force_login(other_parent)
    assert client.post(reverse("codesign:support", args=[idea.pk])).status_code == 404
    assert not Support.objects.exists()


def test_a_parent_comments_and_bad_comments_are_refused_by_the_field(client, idea, other_parent):
    client.force_login(other_parent)
    url = reverse("codesign:comment", args=[idea.pk])
    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    assert "Write a comment first." in html(response)
    response = client.post(url, {"body": "x" * 1001})
    assert "Keep this to 1000 characters or fewer" in html(response)
    assert not Comment.objects.exists()

    response = client.post(url, {"body": "Count me in!"}, follow=True)
    assert "Count me in!" in html(response)
    assert "Comments (1)" in html(response)


def test_the_thirty_first_comment_in_an_hour_is_refused(client, idea, other_parent):
    for n in range(30):
        CommentFactory(idea=idea, author=other_parent, body=f"Comment {n}")
    client.force_login(other_parent)
    response = client.post(reverse("codesign:comment", args=[idea.pk]), {"body": "More"})
    assert "up to 30 comments an hour" in html(response)
    assert Comment.objects.count() == 30


def test_a_reported_and_hidden_comment_disappears_for_everyone_but_the_team(
    client, idea, other_parent, manager
):
    comment = CommentFactory(idea=idea, body="Something unkind")
    client.force_login(other_parent)
    response = client.post(reverse("codesign:report_comment", args=[comment.pk]), follow=True)
    assert "The centre&#x27;s team will look at this comment." in html(response)

    client.force_login(manager)
    queue = html(client.get(reverse("codesign:manage")))
    assert "Something unkind" in queue and "reported 1 time" in queue
    client.post(reverse("codesign:hide_comment", args=[comment.pk]))

    detail = reverse("codesign:detail", args=[idea.pk])
    assert "Something unkind" in html(client.get(detail))  # the team still sees it, marked
    assert "Something unkind" not in html(Client().get(detail))
    client.force_login(other_parent)
    assert "Something unkind" not in html(client.get(detail))
    assert client.post(reverse("codesign:report_comment", args=[comment.pk])).status_code == 404


def test_the_proposer_withdraws_their_idea_but_nobody_else_can(client, idea, parent, other_parent):
    url = reverse("codesign:withdraw", args=[idea.pk])
    client.force_login(other_parent)
    assert client.post(url).status_code == 403
    client.force_login(parent)
    response = client.post(url, follow=True)
    assert "Your idea is withdrawn." in html(response)
    idea.refresh_from_db()
    assert idea.status == S.WITHDRAWN


def test_a_supporter_turns_off_emails_about_one_idea(client, idea, other_parent):
    support = SupportFactory(idea=idea, parent=other_parent)
    client.force_login(other_parent)
    response = client.post(reverse("codesign:notifications", args=[idea.pk]), follow=True)
    assert "We will not e-mail you about this idea any more." in html(response)
    support.refresh_from_db()
    assert support.notify is False
    client.post(reverse("codesign:notifications", args=[idea.pk]), {"notify": "on"})
    support.refresh_from_db()
    assert support.notify is True


def test_forms_need_the_csrf_token(idea, other_parent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_parent)
    assert client.post(reverse("codesign:support", args=[idea.pk])).status_code == 403
    assert not Support.objects.exists()


# --- The team's forms ---------------------------------------------------------------------------


def test_turning_down_without_a_reason_shows_a_message(client, centre, manager):
    idea = IdeaFactory(centre=centre, status=S.SUBMITTED)
    client.force_login(manager)
    response = client.post(reverse("codesign:moderate", args=[idea.pk]), {"decision": "reject"})
    assert "Give a reason: the person who proposed it will see it." in html(response)
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED


def test_declining_without_a_reason_shows_a_message(client, centre, manager):
    idea = IdeaFactory(centre=centre, status=S.UNDER_REVIEW)
    client.force_login(manager)
    response = client.post(reverse("codesign:decide", args=[idea.pk]), {"decision": "decline"})
    assert "Give a reason: everyone will see it next to the idea." in html(response)
    idea.refresh_from_db()
    assert idea.status == S.UNDER_REVIEW


def test_the_decision_form_offers_only_this_centres_activities(
    client, centre, manager, activity, other_activity
):
    idea = IdeaFactory(centre=centre, status=S.UNDER_REVIEW)
    client.force_login(manager)
    url = reverse("codesign:decide", args=[idea.pk])
    page = html(client.get(url))
    assert activity.title in page and other_activity.title not in page

    response = client.post(url, {"decision": "schedule", "activity": other_activity.pk})
    assert "Choose one of this centre&#x27;s activities." in html(response)
    response = client.post(url, {"decision": "schedule"})
    assert "Choose the activity that came from this idea." in html(response)
    idea.refresh_from_db()
    assert (idea.status, idea.activity) == (S.UNDER_REVIEW, None)


def test_the_threshold_form_refuses_bad_numbers(client, centre, manager):
    client.force_login(manager)
    url = reverse("codesign:settings", args=[centre.pk])
    assert 'value="10"' in html(client.get(url))
    for value, message in [("0", "at least 1"), ("ten", "Enter a whole number"), ("", "Enter a")]:
        assert message in html(client.post(url, {"support_threshold": value}))
    client.post(url, {"support_threshold": "3"})
    assert 'value="3"' in html(client.get(url))


def test_a_manager_can_see_the_history_of_decisions(client, centre, manager):
    idea = IdeaFactory(centre=centre, status=S.UNDER_REVIEW)
    client.force_login(manager)
    client.post(
        reverse("codesign:decide", args=[idea.pk]),
        {"decision": "accept", "response": "Starting in May."},
    )
    page = html(client.get(reverse("codesign:detail", args=[idea.pk])))
    assert "Accepted by" in page and "Starting in May." in page
    assert "Accepted by" not in html(Client().get(reverse("codesign:detail", args=[idea.pk])))


def test_unverified_parents_are_told_to_confirm_their_address(client, idea):
    client.force_login(UserFactory(verified=False))
    response = client.post(reverse("codesign:support", args=[idea.pk]), follow=True)
    assert "confirm your e-mail address" in html(response)
    assert not Support.objects.exists()


def test_a_scheduled_idea_links_its_activity_and_next_sessions(client, centre, activity):
    session = SessionFactory(activity=activity)
    idea = IdeaFactory(centre=centre, status=S.SCHEDULED, activity=activity, response="Saturdays")
    page = html(client.get(reverse("codesign:detail", args=[idea.pk])))
    assert "What came of it" in page
    assert activity.url in page
    assert timezone.localtime(session.start).strftime("%A %-d %B, %H:%M") in page


def test_the_listing_is_paginated(client, centre):
    for n in range(25):
        IdeaFactory(centre=centre, title=f"Idea number {n}")

    first = html(client.get("/ideas/"))
    second = html(client.get("/ideas/?page=2"))

    assert 'aria-label="Pages of ideas"' in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert 'page=2">Next</a>' in first
    assert 'page=1">Previous</a>' in second
    assert first.count("Idea number") + second.count("Idea number") >= 25
