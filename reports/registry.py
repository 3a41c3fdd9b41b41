"""The reports a centre manager can open, by the slug in their address."""

from collections.abc import Callable
from dataclasses import dataclass

from . import selectors


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    summary: str
    figures: Callable


REPORTS = {
    report.slug: report
    for report in [
        Report(
            "reach",
            "Reach",
            "Families and children reached, first-time families, by footprint and by month.",
            selectors.reach,
        ),
        Report(
            "take-up",
            "Take-up",
            "Sessions run, places offered and booked, attendance, no-shows, late cancellations "
            "and walk-ins, by activity category and by activity.",
            selectors.take_up,
        ),
        Report(
            "unmet-demand",
            "Unmet demand",
            "Waiting lists per activity and how many waiting households never got a place.",
            selectors.unmet_demand,
        ),
        Report(
            "co-design",
            "Co-design",
            "Ideas proposed, published, supported, decided and scheduled; time from idea to "
            "decision; attendance at sessions that came from ideas.",
            selectors.codesign,
        ),
        Report(
            "feedback",
            "Feedback",
            "What families said the day after sessions they came to: satisfaction, would come "
            "again and comments, by centre and by activity.",
            selectors.feedback,
        ),
        Report(
            "champions",
            "Champions",
            "Active parent champions, sessions they hosted and checks lapsing soon.",
            selectors.champions,
        ),
    ]
}
