"""Template tags that show co-design on other pages, such as a centre's page."""

from django import template
from django.template.loader import get_template

from codesign.selectors import outcomes
from startwell import pagecache

register = template.Library()

OUTCOMES_ON_CENTRE_PAGE = 6


@register.simple_tag(takes_context=True)
def centre_outcomes(context, centre):
    """'You said, we did' for one centre, in a fixed number of queries, and none while the page
    cache's generation lasts: the same for everyone, so kept as a fragment."""
    request = context.get("request")

    def render() -> str:
        return get_template("codesign/centre_outcomes.html").render(
            {
                "request": request,
                "centre": centre,
                "outcomes": list(outcomes(centre=centre)[:OUTCOMES_ON_CENTRE_PAGE]),
            }
        )

    if centre.pk is None:
        return render()
    return pagecache.fragment(request, f"outcomes|{centre.pk}", render)
