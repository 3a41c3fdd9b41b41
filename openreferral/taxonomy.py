"""The vocabulary the directory API classifies services by: the portal's activity categories, each
a term of one taxonomy, "Start Well activity categories", with ids that never change. The list is
in docs/openreferral.md for directories that map it onto theirs."""

import uuid

from cms.models import ActivityPage

from .ids import stable_id

TAXONOMY_NAME = "Start Well activity categories"
TAXONOMY_ID = uuid.UUID(stable_id("taxonomy", "activity-categories"))

DESCRIPTIONS = {
    "stay_and_play": "Informal play sessions for young children and their grown-ups.",
    "baby_toddler": "Groups and classes for babies and toddlers with a parent or carer.",
    "health_drop_in": "Drop-in health advice, such as baby weighing with a health visitor.",
    "parenting_course": "Courses and groups for parents and carers.",
    "send_support": "Support for children with special educational needs and disabilities.",
    "holiday_club": "Activities for children in the school holidays.",
    "antenatal": "Groups and care for parents-to-be.",
    "adult_learning": "Learning, employment and wellbeing for adults.",
}


def term_id(category: str) -> str:
    return stable_id("taxonomy_term", category)


TERMS = {
    category: {
        "id": term_id(category),
        "name": label,
        "description": DESCRIPTIONS.get(category, label),
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": str(TAXONOMY_ID),
    }
    for category, label in ActivityPage.CATEGORY_CHOICES
}
_BY_ID = {uuid.UUID(term["id"]): category for category, term in TERMS.items()}


def category_for_term(term: uuid.UUID) -> str | None:
    return _BY_ID.get(term)
