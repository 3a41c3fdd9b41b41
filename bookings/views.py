"""What a parent does on the public site: browse the timetable, book, see, cancel and download
bookings; and each centre's public calendar feed. Views parse input, call one service and turn
its refusal into a message next to the field."""

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from cms.models import CentrePage
from startwell import pagecache, ratelimits
from startwell.errors import show_on_form
from startwell.selectors import has_verified_email

from . import checkout, claims, selectors, services, stripe_gateway
from .calendar import booking_ics, centre_feed_ics
from .errors import BookingError
from .forms import BookingForm, SessionFilterForm
from .models import Booking, Course, CourseBooking, Session
from .pricing import format_pence

SESSIONS_PER_PAGE = 20
TOO_MANY_ATTEMPTS = _(
    "You have tried to book a lot of times in a short while. "
    "Please wait a few minutes, then try again."
)


@require_GET
def session_list(request):
    form = SessionFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    page_number = request.GET.get("page")
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(value for key, value in request.GET.items() if key != "page")

    def results() -> dict:
        sessions = selectors.upcoming_sessions(**filters)
        page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(page_number)
        context = {
            "page_obj": page,
            "sessions": page.object_list,
            "query": query.urlencode(),
            "filtered": filtered,
            "now": timezone.now(),
            "request": request,
        }
        html = render_to_string("bookings/_session_results.html", context)
        return {"html": html, "number": page.number}

    # The results depend only on the filters (a child's age, never who the child is), so
    # everyone asking for the same ones shares them, signed in or not.
    key = "|".join(
        ["sessions", repr(sorted(_filter_key(filters).items())), str(page_number), str(filtered)]
    )
    key += "|" + query.urlencode()
    return render(
        request,
        "bookings/session_list.html",
        {
            "form": form,
            "results": pagecache.fragment(request, key, results),
            "filtered": filtered,
        },
    )


def _filter_key(filters: dict) -> dict:
    return {name: getattr(value, "pk", value) for name, value in filters.items()}


def _rate_limited(request) -> bool:
    """Counts a booking attempt against the person's limit (kept in the shared database, so it
    holds across every worker)."""
    return not ratelimits.consume(
        action="book_session", user=request.user, rates=settings.BOOKINGS_RATE_LIMIT
    )


def _party_fields(form: BookingForm) -> dict[str, str]:
    """Where to show a refusal about the party: the service names it "children" or "adults";
    the form has whichever one the session needs."""
    party = "adults" if "adults" in form.fields else "children"
    return {"children": party, "adults": party}


@dataclasses.dataclass
class _Attempt:
    """What became of a posted booking form: the booking made, or the refusal and the status
    the form page is answered with."""

    status: int = 200
    booking: Booking | CourseBooking | None = None
    refusal: BookingError | None = None
    # The children a refusal names (too young, too old), when it names some.
    refused_children: list[str] = dataclasses.field(default_factory=list)


def _attempt_booking(request, form: BookingForm, *, verified: bool, book) -> _Attempt:
    """Answers a posted booking form, a session's or a course's, the same way: refused while the
    e-mail address is not confirmed (403) or after too many attempts (429); the form's own
    errors, or the service's refusal shown next to its field (400); otherwise `book` (the
    service, given the form's choices) makes the booking."""
    attempt = _Attempt()
    if request.method != "POST":
        return attempt
    if not verified:
        attempt.status = 403
        return attempt
    if _rate_limited(request):
        form.is_valid()
        form.add_error(None, TOO_MANY_ATTEMPTS)
        attempt.status = 429
        return attempt
    if form.is_valid():
        try:
            attempt.booking = book(
                join_waiting_list="join_waiting_list" in request.POST,
                **form.booking_arguments(),
            )
        except BookingError as error:
            attempt.refusal = error
            show_on_form(form, error, fields=_party_fields(form))
            attempt.refused_children = [str(pk) for pk in error.extra.get("children", [])]
    if form.errors:
        attempt.status = 400
    return attempt


def _booked(request, booking: Booking | CourseBooking):
    """Where a family goes once booked: on to pay, or to the booking with a message saying
    what they have (a place, a place to pay for at the centre, a place on the waiting list)."""
    if booking.status == Booking.Status.PENDING_PAYMENT:
        return _send_to_pay(request, booking)
    course = isinstance(booking, CourseBooking)
    if booking.status == Booking.Status.CONFIRMED:
        booked = (
            _("You're booked on the course. Your reference is {reference}.")
            if course
            else _("You're booked. Your reference is {reference}.")
        ).format(reference=booking)
        if booking.payment_due_at_centre:
            booked += " " + _("Please pay {amount} at the centre.").format(
                amount=format_pence(booking.amount_pence)
            )
        messages.success(request, booked)
    else:
        messages.success(
            request,
            (
                _(
                    "You're on the waiting list for the course (reference {reference}). "
                    "We will e-mail you if a place comes up."
                )
                if course
                else _(
                    "You're on the waiting list (reference {reference}). "
                    "We will e-mail you if a place comes up."
                )
            ).format(reference=booking),
        )
    return redirect("bookings:booking_detail", reference=booking.reference)


@login_required
@require_http_methods(["GET", "POST"])
def book(request, session_id: int):
    posted = request.method == "POST"
    try:
        session = _bookable_session(request, session_id)
    except Session.DoesNotExist:
        raise Http404("No such session") from None
    if session.course_id:
        # A course's sessions are booked as the whole course.
        return redirect("bookings:book_course", course_id=session.course_id)
    verified = has_verified_email(request.user)
    form = BookingForm(
        request.POST if posted else None,
        session=session,
        parent=request.user,
        pay_at_centre_offered=selectors.pay_at_centre_offered(session),
    )

    def book_session(**choices):
        return services.book_session(
            parent=request.user, session_id=session.pk, session_as_read=session, **choices
        )

    attempt = _attempt_booking(request, form, verified=verified, book=book_session)
    if attempt.booking:
        return _booked(request, attempt.booking)
    if attempt.refusal and attempt.refusal.message == services.FULL:
        return _full(request, session, form)
    if posted:
        # The form page again, with the places as they are now.
        session = _bookable_session(request, session_id)
    return render(
        request,
        "bookings/book.html",
        {
            "session": session,
            "activity": session.activity,
            "form": form,
            "invalid_children": _invalid_children(form, attempt.refused_children),
            "verified": verified,
            "existing": selectors.active_booking(parent=request.user, session=session),
            "refusal": selectors.booking_refusal(session),
            "payment_online": stripe_gateway.is_configured(),
            "is_full": session.places_left <= 0,
            "now": timezone.now(),
            "has_children": form.has_children_to_choose(),
        },
        status=attempt.status,
    )


def _bookable_session(request, session_id: int) -> Session:
    """The session with its places (`selectors.bookable_session`), the same for everyone and
    kept as a fragment under the page cache's generation, so exactly as fresh as the form's facts:
    any booking, walk-in, session or page saved ends it. Putting that query together took the ORM
    longer than anything else on the form, and each of the hundreds of attempts on a session that
    has just filled asked for it again. An attempt trusts it only to refuse before the lock (as it
    would trust the same read from the database); everything that books is read under the lock."""
    return pagecache.fragment(
        request, f"bookable-session|{session_id}", lambda: selectors.bookable_session(session_id)
    )


@login_required
@require_http_methods(["GET", "POST"])
def book_course(request, course_id: int):
    """The booking form for a whole course: the same form as a session's, with the course's
    sessions listed, its ages checked on the first session and its price for the whole run."""
    try:
        course = selectors.bookable_course(course_id)
    except Course.DoesNotExist:
        raise Http404("No such course") from None
    verified = has_verified_email(request.user)
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        session=course,
        parent=request.user,
        pay_at_centre_offered=selectors.pay_at_centre_offered(course),
    )

    def book_the_course(**choices):
        return services.book_course(parent=request.user, course_id=course.pk, **choices)

    attempt = _attempt_booking(request, form, verified=verified, book=book_the_course)
    if attempt.booking:
        return _booked(request, attempt.booking)
    if attempt.refusal:
        # The form page again, with the places as they are now.
        course = selectors.bookable_course(course_id)
    # The page describes the first session to come, with the course's places left.
    shown = course.to_hold[0] if course.to_hold else course.first
    shown.places_left = course.places_left
    return render(
        request,
        "bookings/book.html",
        {
            "course": course,
            "session": shown,
            "activity": course.activity,
            "form": form,
            "invalid_children": _invalid_children(form, attempt.refused_children),
            "verified": verified,
            "existing": selectors.active_course_booking(parent=request.user, course=course),
            "refusal": selectors.course_booking_refusal(course),
            "payment_online": stripe_gateway.is_configured(),
            "is_full": course.places_left <= 0,
            "now": timezone.now(),
            "has_children": form.has_children_to_choose(),
        },
        status=attempt.status,
    )


def _full(request, session: Session, form: BookingForm):
    """The answer to an attempt on a full session, the one most families get when a popular
    session opens: a short page that says so and offers the waiting list with the same choices
    (kept in hidden fields), rather than the whole booking form again."""
    kept = [
        (name, value)
        for name in form.fields
        for value in form.data.getlist(name)
        if name != "join_waiting_list"
    ]
    return render(
        request,
        "bookings/book_full.html",
        {"session": session, "activity": session.activity, "kept": kept, "message": services.FULL},
        status=409,
    )


def _invalid_children(form, refused: list[str]) -> list[str]:
    """The children to mark as the problem: those a refusal names, else (no child ticked, too
    many places) every child on the form."""
    if "children" not in form.errors:
        return []
    return refused or [
        str(pk) for pk in form.fields["children"].queryset.values_list("pk", flat=True)
    ]


def _send_to_pay(request, booking: Booking | CourseBooking):
    """Straight on to Stripe's payment page; if it cannot be opened, the booking's page offers
    to try again while the places are held."""
    try:
        return redirect(checkout.start_checkout(booking=booking))
    except BookingError as error:
        messages.warning(request, error.message)
        return redirect("bookings:booking_detail", reference=booking.reference)


@login_required
@require_GET
def booking_list(request):
    def lists() -> str:
        courses, cancelled_courses = selectors.course_bookings_for_parent(request.user)
        context = {
            "bookings": selectors.bookings_for_parent(request.user),
            "courses": courses,
            "cancelled_courses": cancelled_courses,
        }
        return render_to_string("bookings/_my_booking_lists.html", context)

    return render(
        request,
        "bookings/booking_list.html",
        {
            # The family's own bookings, kept for them alone until anything they show changes.
            "lists": pagecache.personal_fragment(request, "booking-lists", lists),
            # A centre booked for this family before it had an account: offer to claim it.
            "claimable": claims.claimable_by(request.user).exists(),
        },
    )


def _own_booking(request, reference: str) -> Booking | CourseBooking:
    """The family's own booking, or course booking, by its reference; 404 for anyone else's.
    A course's place on one session (named in a reminder, say) leads to its course booking."""
    try:
        booking = selectors.booking_for_parent(request.user, reference)
    except Booking.DoesNotExist:
        try:
            return selectors.course_booking_for_parent(request.user, reference)
        except CourseBooking.DoesNotExist:
            raise Http404("No such booking") from None
    if booking.course_booking_id:
        return selectors.course_booking_for_parent(request.user, booking.course_booking.reference)
    return booking


@login_required
@require_GET
def booking_detail(request, reference: str):
    booking = _own_booking(request, reference)
    if isinstance(booking, CourseBooking):
        return render(
            request,
            "bookings/course_booking_detail.html",
            {
                "booking": booking,
                "course": booking.course,
                "can_cancel": selectors.can_cancel_course_online(booking),
            },
        )
    return render(
        request,
        "bookings/booking_detail.html",
        {
            "booking": booking,
            "session": booking.session,
            "can_cancel": selectors.can_cancel_online(booking),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_booking(request, reference: str):
    """GET asks "are you sure?"; POST cancels (or leaves the waiting list)."""
    booking = _own_booking(request, reference)
    if isinstance(booking, CourseBooking):
        return _cancel_course_booking(request, booking)
    leaving = booking.status == Booking.Status.WAITING
    error = None
    if request.method == "POST":
        try:
            if leaving:
                services.leave_waiting_list(booking_id=booking.pk, by=request.user)
            else:
                services.cancel_booking(booking_id=booking.pk, by=request.user)
        except BookingError as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                _("You have left the waiting list.")
                if leaving
                else _("Your booking is cancelled."),
            )
            return redirect("bookings:booking_list")
    return render(
        request,
        "bookings/booking_cancel.html",
        {
            "booking": booking,
            "session": booking.session,
            "leaving": leaving,
            "can_cancel": leaving or selectors.can_cancel_online(booking),
            "moved_since_booking": selectors.moved_since_booking(booking),
            "error": error,
        },
        status=400 if error else 200,
    )


def _cancel_course_booking(request, course_booking: CourseBooking):
    leaving = course_booking.status == CourseBooking.Status.WAITING
    error = None
    if request.method == "POST":
        try:
            services.cancel_course_booking(course_booking_id=course_booking.pk, by=request.user)
        except BookingError as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                _("You have left the course's waiting list.")
                if leaving
                else _("Your course booking is cancelled."),
            )
            return redirect("bookings:booking_list")
    return render(
        request,
        "bookings/course_booking_cancel.html",
        {
            "booking": course_booking,
            "course": course_booking.course,
            "leaving": leaving,
            "can_cancel": leaving or selectors.can_cancel_course_online(course_booking),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def booking_calendar(request, reference: str):
    booking = _own_booking(request, reference)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="start-well-{booking}.ics"'
    return response


@require_GET
def centre_calendar(request, slug: str):
    """A centre's public feed to subscribe to: upcoming sessions, no family details."""
    centre = get_object_or_404(CentrePage.objects.live().originals(), slug=slug)
    feed = centre_feed_ics(selectors.centre_feed_sessions(centre))
    response = HttpResponse(feed, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{centre.slug}.ics"'
    return response
