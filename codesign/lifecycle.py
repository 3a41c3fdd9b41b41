"""The one lifecycle every idea follows, from proposal to outcome: which status may follow which,
and who may make each move. Services move ideas along it; selectors answer which moves a person
may make now. Nothing else reads the table."""

from .models import IdeaStatus

S = IdeaStatus

# Who may make each change: the proposer, the centre's moderators, the centre's deciders, or the
# portal itself (an idea reaching its centre's support threshold).
PROPOSER, MODERATOR, DECIDER, AUTOMATIC = "proposer", "moderator", "decider", "automatic"

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.SUBMITTED, S.PUBLISHED): frozenset({MODERATOR}),
    (S.SUBMITTED, S.REJECTED): frozenset({MODERATOR}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({PROPOSER}),
    (S.PUBLISHED, S.UNDER_REVIEW): frozenset({AUTOMATIC, DECIDER}),
    (S.PUBLISHED, S.WITHDRAWN): frozenset({PROPOSER}),
    (S.UNDER_REVIEW, S.ACCEPTED): frozenset({DECIDER}),
    (S.UNDER_REVIEW, S.DECLINED): frozenset({DECIDER}),
    (S.UNDER_REVIEW, S.SCHEDULED): frozenset({DECIDER}),
    (S.UNDER_REVIEW, S.WITHDRAWN): frozenset({PROPOSER}),
    (S.ACCEPTED, S.SCHEDULED): frozenset({DECIDER}),
}

VERBS = {
    S.PUBLISHED: "published",
    S.REJECTED: "turned down",
    S.WITHDRAWN: "withdrawn",
    S.UNDER_REVIEW: "put under review",
    S.ACCEPTED: "accepted",
    S.DECLINED: "declined",
    S.SCHEDULED: "scheduled",
}


def is_move(from_status: str, to: str) -> bool:
    return (from_status, to) in TRANSITIONS


def roles_for(from_status: str, to: str) -> frozenset[str]:
    """Who may move an idea from `from_status` to `to`; empty when the lifecycle has no such
    move."""
    return TRANSITIONS.get((from_status, to), frozenset())


def moves_from(from_status: str) -> dict[str, frozenset[str]]:
    """Each status an idea may go to next, with who may move it there."""
    return {to: roles for (start, to), roles in TRANSITIONS.items() if start == from_status}


def refusal(from_status: str, to: str) -> str:
    """The message for a move the lifecycle does not have."""
    return f"This idea is {S(from_status).label.lower()}, so it cannot be {VERBS.get(to, to)}."
