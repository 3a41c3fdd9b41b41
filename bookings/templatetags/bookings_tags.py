"""Template tags that let the centre and activity pages (in `cms`, which knows nothing of
bookings) list their upcoming sessions the same way as the timetable does."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.db.models import OuterRef, Subquery
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings import selectors, structured_data
from bookings.models import Session
from cms.models import ActivityPage, CentrePage, in_active_language
from startwell import pagecache

register = template.Library()

# A centre page keeps its other content (venues, services) within reach on a phone.
SESSIONS_ON_A_CENTRE_PAGE = 6
SESSIONS_ON_AN_ACTIVITY_PAGE = 20


@register.simple_tag(takes_context=True)
def upcoming_sessions_for(context, page, *, heading_level=2):
    """The next sessions of a centre page or an activity page, with a link to the timetable
    filtered to match. One query however many sessions there are, and none at all while the
    page cache's generation lasts: the same for everyone, so kept as a fragment."""
    request = context.get("request")

    def render() -> str:
        return get_template("bookings/_upcoming_sessions.html").render(
            _upcoming_context(request, page, heading_level)
        )

    if page.pk is None:  # a new page previewed in the admin has no sessions yet
        return render()
    return pagecache.fragment(request, f"upcoming|{page.pk}|{heading_level}", render)


def _upcoming_context(request, page, heading_level: int) -> dict:
    activity_page = isinstance(page, ActivityPage)
    if page.pk is None:
        sessions = Session.objects.none()
        filters = {}
    elif activity_page:
        sessions = selectors.upcoming_sessions(activity=page)
        centre = page.get_parent()
        filters = {"centre": centre.slug, "category": page.category}
    else:
        sessions = selectors.upcoming_sessions(centre=page)
        filters = {"centre": page.slug}
    limit = SESSIONS_ON_AN_ACTIVITY_PAGE if activity_page else SESSIONS_ON_A_CENTRE_PAGE
    sessions = list(sessions[: limit + 1])
    return {
        "request": request,
        "sessions": sessions[:limit],
        "more": len(sessions) > limit,
        "more_url": f"{reverse('bookings:session_list')}?{urlencode(filters)}".rstrip("?"),
        "for_activity": activity_page,
        "hide_centre": True,
        "heading_level": heading_level,
        "item_level": heading_level + 1,
        "now": timezone.now(),
    }


@register.simple_tag
def activities_in_language(sessions) -> dict:
    """{activity id: the activity as the visitor reads it} for the sessions of a list: its
    published translation in the visitor's language where there is one, else the activity
    itself. No query in English, one in another language however many sessions are listed."""
    activities = list({session.activity_id: session.activity for session in sessions}.values())
    shown = in_active_language(activities)
    return {activity.pk: page for activity, page in zip(activities, shown, strict=True)}


@register.simple_tag
def activity_as_shown(activity, shown: dict | None = None):
    """The activity in the visitor's language: from `shown` (`activities_in_language`) in a
    list; on its own (a booking's page) with one query outside English."""
    if isinstance(shown, dict):
        return shown.get(activity.pk, activity)
    return in_active_language([activity])[0]


@register.simple_tag
def places_phrase(session) -> str:
    """'3 places left', '1 place left' or 'Full – join the waiting list'."""
    left = session.places_left
    if left <= 0:
        return _("Full – join the waiting list")
    return ngettext("%(left)d place left", "%(left)d places left", left) % {"left": left}


@register.simple_tag
def events_json_ld(page):
    """The activity's upcoming sessions as schema.org events, in a JSON-LD data block (never run
    as script, so the Content-Security-Policy has nothing to allow). Written here so that our
    templates hold no `<script>` element without a `src`."""
    if page.pk is None:
        return ""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        # <, > and & are escaped as json_script does, so the data cannot leave the element.
        mark_safe(structured_data.events_json(page)),  # noqa: S308  # nosec
    )


@dataclass(frozen=True)
class SearchRow:
    page: object
    centre: CentrePage | None = None
    next_session: Session | None = None


@register.simple_tag
def search_rows(results) -> list[SearchRow]:
    """Each search result with, for an activity, its centre and its next session, so that five
    centres' "Baby massage" can be told apart. Three queries however many results."""
    pages = list(results)
    activities = [page for page in pages if isinstance(page, ActivityPage)]
    if not activities:
        return [SearchRow(page) for page in pages]
    parent_paths = {activity.path[: -ActivityPage.steplen] for activity in activities}
    centres = {centre.path: centre for centre in CentrePage.objects.filter(path__in=parent_paths)}
    soonest = (
        selectors.upcoming_sessions()
        .filter(activity=OuterRef("pk"))
        .order_by("start", "pk")
        .values("pk")[:1]
    )
    next_ids = dict(
        ActivityPage.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(next_session=Subquery(soonest))
        .values_list("pk", "next_session")
    )
    sessions = {
        session.pk: session
        for session in selectors.with_places(
            Session.objects.filter(pk__in=[pk for pk in next_ids.values() if pk])
        ).select_related("venue")
    }
    rows = []
    for page in pages:
        if isinstance(page, ActivityPage):
            centre = centres.get(page.path[: -ActivityPage.steplen])
            rows.append(SearchRow(page, centre, sessions.get(next_ids.get(page.pk))))
        else:
            rows.append(SearchRow(page))
    return rows
