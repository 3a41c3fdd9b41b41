"""Template tags that show co-design on other pages, such as a centre's page."""

from django import template

from codesign.selectors import outcomes

register = template.Library()

OUTCOMES_ON_CENTRE_PAGE = 6


@register.inclusion_tag("codesign/centre_outcomes.html", takes_context=True)
def centre_outcomes(context, centre):
    """'You said, we did' for one centre, in a fixed number of queries."""
    return {
        "request": context.get("request"),
        "centre": centre,
        "outcomes": list(outcomes(centre=centre)[:OUTCOMES_ON_CENTRE_PAGE]),
    }
