"""Demo privacy notice: the borough's words a council would adapt, under the home page. The
retention schedule itself is not typed in: the page renders it from the settings."""

import json

from cms.models import HomePage, PrivacyNoticePage
from startwell import demo

SECTIONS = [
    (
        "Who we are",
        "<p>Start Well is run by the borough council with the schools that run its "
        "family centres. The council is responsible for the information described here.</p>",
    ),
    (
        "What we keep and why",
        "<p>We keep your e-mail address, and your children's first names and month and year "
        "of birth, so that you can book sessions for the right ages. We keep your bookings so "
        "the centre knows who is coming and can tell you about changes, and so that it can "
        "count, without names, how many families it helps.</p>",
    ),
    (
        "Who sees it",
        "<p>Your centre's staff see the families booked on their sessions. Parent "
        "champions see only the sessions they run, and only a first name and initial and your "
        "children's first names and ages, never your contact details. We never sell your "
        "information or use it for advertising.</p>",
    ),
    (
        "Payments",
        "<p>Card payments are taken by Stripe; we never see your card number. Stripe's "
        "notices of payment are deleted on the schedule below.</p>",
    ),
]


@demo.step(order=demo.CHAMPIONS + 10)
def seed_privacy_notice() -> None:
    if PrivacyNoticePage.objects.exists():
        return
    home = HomePage.objects.first()  # made by the pages step
    body = []
    for heading, text in SECTIONS:
        body.append({"type": "heading", "value": heading})
        body.append({"type": "paragraph", "value": text})
    page = home.add_child(
        instance=PrivacyNoticePage(
            title="Privacy notice",
            slug="privacy-notice",
            intro="How Start Well uses your information and your children's, how long we keep "
            "it, and your rights over it.",
            body=json.dumps(body),
        )
    )
    page.save_revision(clean=False).publish()  # validated as it was added
