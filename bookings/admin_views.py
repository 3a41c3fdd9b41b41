"""The centre managers' timetable in the Wagtail admin: sessions (listing, add, edit, the register
with its waiting list, cancelling), series of sessions and school holidays.

A manager only ever sees their own centres' sessions: every view reads through
`sessions_managed_by`, so another centre's session answers 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View
from django_filters import ChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton

from startwell.errors import show_on_form

from . import audit, register, selectors, series, services
from .admin_forms import (
    CancelCourseForm,
    CancelSessionForm,
    CourseForm,
    HolidayPeriodForm,
    SeriesForm,
    SessionForm,
)
from .admin_selectors import (
    course_payments_needing_attention,
    courses_managed_by,
    sessions_managed_by,
)
from .errors import BookingError
from .models import CourseBooking, HolidayPeriod, Session
from .registers import course_attendance, register_for

COURSE_ACTIVITY = "This activity is booked as a course: use “Add a course” for its sessions."
HAS_BOOKINGS = "Families have booked this session, so it cannot be deleted. Cancel it instead."


class ManagedSessionsMixin:
    """Limits a view to the sessions of the centres the signed-in person manages."""

    def get_managed_sessions(self):
        return sessions_managed_by(self.request.user)


class ManagedSessionListingMixin(ManagedSessionsMixin):
    """For the index view, which filters, orders and searches from this queryset."""

    def get_base_queryset(self):
        return self.get_managed_sessions()


class ManagedSessionObjectMixin(ManagedSessionsMixin):
    """For edit and delete views, which find their session through Django's SingleObjectMixin."""

    def get_queryset(self):
        return self.get_managed_sessions()


class ManagedSessionBaseObjectMixin(ManagedSessionsMixin):
    """For history and usage views, which find their session through Wagtail's
    BaseObjectMixin (their own `get_base_queryset` lists log entries)."""

    def get_base_object_queryset(self):
        return self.get_managed_sessions()


class SessionFilterSet(WagtailFilterSet):
    """Managers come for what is coming up, so that is what the list shows unless they choose
    otherwise: with no filter chosen, Wagtail's filter button shows no count of active filters."""

    when = ChoiceFilter(
        label="When",
        choices=[("past", "Past"), ("any", "Any time")],
        empty_label="Upcoming",
        method="filter_when",
    )

    class Meta:
        model = Session
        fields = ["status"]

    def filter_when(self, queryset, name, value):
        if value == "past":
            return queryset.filter(end__lt=timezone.now())
        return queryset  # "any"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("when"):
            queryset = queryset.filter(end__gte=timezone.now())
        return queryset


class SessionTitleColumn(Column):
    """The session, linked to its register."""

    cell_template_name = "wagtailadmin/tables/title_cell.html"

    def __init__(self, *args, inspect_url_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspect_url_name = inspect_url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        url = reverse(self.inspect_url_name, args=[instance.pk])
        context["link_attrs"] = {"href": url}
        context["link_url"] = url
        return context


class SessionIndexView(ManagedSessionListingMixin, generic.IndexView):
    results_template_name = "bookings/admin/session_index_results.html"

    def get_header_buttons(self):
        return self.header_buttons

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    "Add a series of sessions",
                    url=reverse("bookings_session:series"),
                    icon_name="date",
                )
            )
            buttons.append(
                HeaderButton(
                    "Add a course", url=reverse("bookings_session:add_course"), icon_name="list-ul"
                )
            )
        return buttons

    @cached_property
    def columns(self):
        return [
            SessionTitleColumn(
                "__str__",
                label="Session",
                inspect_url_name=self.inspect_url_name,
                sort_key="start",
            ),
            Column("centre", label="Centre", accessor="centre.title"),
            Column("venue", label="Venue", accessor="venue.name"),
            NumberColumn("places_booked", label="Places booked"),
            NumberColumn("capacity", label="Capacity", sort_key="capacity"),
            NumberColumn("households_waiting", label="Waiting"),
            Column("status", label="Status", accessor="get_status_display"),
        ]


class SessionCreateView(generic.CreateView):
    def save_instance(self):
        # Logged in the sessions' own trail, with the values it was created with.
        session = self.action_class(
            self.form.instance,
            user=self.request.user,
            form=self.form,
            sort_order_field=self.sort_order_field,
            log_action=None,
        ).execute(skip_permission_checks=True)
        values = {name: getattr(session, name) for name in services.EDITABLE_SESSION_FIELDS}
        audit.record(
            session,
            audit.SESSION_CREATED,
            user=self.request.user,
            detail=audit.describe_values(values),
        )
        return session

    def get_success_url(self):
        return reverse("bookings_session:inspect", args=[self.object.pk])


class SessionEditView(ManagedSessionObjectMixin, generic.EditView):
    def form_valid(self, form):
        # Saved through the booking rules, under the session's lock: capacity never drops below
        # the places already booked, and new places go to the waiting list.
        self.form = form
        changes = {
            name: form.cleaned_data[name]
            for name in services.EDITABLE_SESSION_FIELDS
            if name in form.cleaned_data
        }
        # The service records what changed in the session's history and tells the families.
        try:
            self.object = services.update_session(
                session_id=self.object.pk, changes=changes, by=self.request.user
            )
        except BookingError as error:
            show_on_form(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return self.save_action()

    def get_success_url(self):
        return reverse("bookings_session:inspect", args=[self.object.pk])


class SessionDeleteView(ManagedSessionObjectMixin, generic.DeleteView):
    """Only a session nobody has booked may be deleted; otherwise it is cancelled, so that every
    family hears about it and the bookings stay on record."""

    def dispatch(self, request, *args, **kwargs):
        if self.object.bookings.exists():
            messages.error(request, HAS_BOOKINGS)
            return redirect("bookings_session:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class SessionHistoryView(ManagedSessionBaseObjectMixin, generic.history.HistoryView):
    pass


class SessionUsageView(ManagedSessionBaseObjectMixin, generic.usage.UsageView):
    pass


class SessionInspectView(generic.InspectView):
    """The session's register: booked households, the waiting list and places left."""

    template_name = "bookings/admin/session_inspect.html"
    page_title = "Bookings"

    def get_object(self, queryset=None):
        return get_object_or_404(sessions_managed_by(self.request.user), pk=self.pk)

    def get_fields(self):
        return []

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if not self.object.is_cancelled and self.user_has_permission("change"):
            buttons.append(
                HeaderButton(
                    "Cancel this session",
                    url=reverse("bookings_session:cancel", args=[self.object.pk]),
                    icon_name="cross",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session"] = self.object
        context["register"] = register_for(self.object, for_managers=True)
        # Booking and cancelling for families, through the champions' register pages (the same
        # rules for whoever runs the register), until the session starts.
        context["may_act"] = not self.object.is_cancelled and timezone.now() < self.object.start
        # Every look at a register is in the trail, here as on the champions' pages.
        audit.record(self.object, audit.VIEWED, user=self.request.user, detail="In the admin")
        if self.object.activity.drop_off:
            audit.record(
                self.object, audit.DROP_OFF_VIEWED, user=self.request.user, detail="In the admin"
            )
        context["cancel_url"] = (
            reverse("bookings_session:cancel", args=[self.object.pk])
            if not self.object.is_cancelled and self.user_has_permission("change")
            else None
        )
        return context


class _CancelView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Cancels something families booked (a session, the rest of a course) after asking why:
    every booked and waiting family is told the reason. Subclasses say what is cancelled, where
    it is shown, how many families will be told, and which service cancels it."""

    model = Session
    permission_required = "change"
    template_name = "bookings/admin/cancel.html"
    header_icon = "cross"

    def get_object(self):
        raise NotImplementedError

    def object_url(self) -> str:
        raise NotImplementedError

    def families(self) -> tuple[int, int]:
        """How many households are booked, and how many waiting."""
        raise NotImplementedError

    def cancel(self, reason: str) -> list[Session]:
        raise NotImplementedError

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("bookings_session:index"), "label": "Sessions"},
            {"url": self.object_url(), "label": str(self.object)},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booked, waiting = self.families()
        context.update(
            cancelled=self.form_class.cancelled,
            booked=booked,
            waiting=waiting,
            keep_url=self.object_url(),
        )
        return context

    def form_valid(self, form):
        reason = form.cleaned_data["reason"]
        try:
            cancelled = self.cancel(reason)
        except BookingError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        for session in cancelled:
            audit.record(
                session,
                audit.SESSION_CANCELLED,
                user=self.request.user,
                detail=self.audit_detail.format(reason=reason),
            )
        messages.success(
            self.request, f"{self.object} is cancelled. Every booked family is being told."
        )
        return redirect(self.object_url())


class SessionCancelView(_CancelView):
    """Cancels the whole session; every booked and waiting family is told why."""

    form_class = CancelSessionForm
    page_title = "Cancel session"
    audit_detail = "Reason: {reason}"

    def get_object(self):
        return get_object_or_404(sessions_managed_by(self.request.user), pk=self.kwargs["pk"])

    def object_url(self) -> str:
        return reverse("bookings_session:inspect", args=[self.object.pk])

    def families(self) -> tuple[int, int]:
        register = register_for(self.object)
        return len(register.confirmed), len(register.waiting)

    def cancel(self, reason: str) -> list[Session]:
        services.cancel_session(session_id=self.object.pk, reason=reason, by=self.request.user)
        return [self.object]


class CourseCancelView(_CancelView):
    """Cancels the rest of a course: its sessions still to come and every course booking; each
    family is told why, and paid online bookings are refunded."""

    form_class = CancelCourseForm
    page_title = "Cancel course"
    audit_detail = "With its course. Reason: {reason}"

    def get_object(self):
        return get_object_or_404(courses_managed_by(self.request.user), pk=self.kwargs["pk"])

    def object_url(self) -> str:
        return reverse("bookings_session:course", args=[self.object.pk])

    def families(self) -> tuple[int, int]:
        attendance = course_attendance(self.object)
        return len(attendance.booked), len(attendance.waiting)

    def cancel(self, reason: str) -> list[Session]:
        return services.cancel_course(course_id=self.object.pk, reason=reason, by=self.request.user)


class SeriesView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Adds a weekly series of sessions: the first submit shows the dates that would be created
    and those skipped (with why); "Create" makes them all in one go."""

    model = Session
    permission_required = "add"
    template_name = "bookings/admin/series.html"
    form_class = SeriesForm
    page_title = "Add a series of sessions"
    header_icon = "date"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("bookings_session:index"), "label": "Sessions"},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        refusal = self.activity_refusal(data["activity"])
        if refusal:
            form.add_error("activity", refusal)
            return self.form_invalid(form)
        when = {
            "activity": data["activity"],
            "weekdays": data["weekdays"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "first_date": data["first_date"],
            "last_date": data["last_date"],
            "skip_school_holidays": data["skip_school_holidays"],
        }
        try:
            if "create" not in self.request.POST:
                plan = series.plan_series(**when)
                return self.render_to_response(self.get_context_data(form=form, plan=plan))
            created = self.create(
                when,
                venue=data["venue"],
                capacity=data["capacity"],
                max_places_per_booking=data["max_places_per_booking"],
                opens_days_before=data["opens_days_before"],
                closes_minutes_before=data["closes_minutes_before"],
                cutoff_hours_before=data["cutoff_hours_before"],
                allow_pay_at_centre=data["allow_pay_at_centre"],
            )
        except BookingError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        for session in created:
            audit.record(
                session, audit.SESSION_CREATED, user=self.request.user, detail=self.created_as
            )
        messages.success(
            self.request,
            f"{len(created)} session{'' if len(created) == 1 else 's'} of "
            f"{data['activity'].title} added to the timetable.",
        )
        return redirect(self.done_url())

    created_as = "In a series"

    def activity_refusal(self, activity) -> str | None:
        # A course's sessions are made with the course, so that they are booked as one.
        return COURSE_ACTIVITY if activity.is_course else None

    def done_url(self) -> str:
        return reverse("bookings_session:index")

    def create(self, when: dict, **details) -> list[Session]:
        return series.create_series(**when, **details)


class CourseView(SeriesView):
    """Adds a course: its run of dated sessions is previewed and made as a series is; families
    then book the whole course."""

    form_class = CourseForm
    page_title = "Add a course"
    created_as = "In a course"

    def form_valid(self, form):
        self.late_joiners = form.cleaned_data["allow_late_joiners"]
        self.price = form.price()
        return super().form_valid(form)

    def activity_refusal(self, activity) -> str | None:
        return None  # only course activities are offered; the service checks again

    def create(self, when: dict, **details) -> list[Session]:
        self.course, created = series.create_course(
            **when, **details, allow_late_joiners=self.late_joiners, price=self.price
        )
        return created

    def done_url(self) -> str:
        return reverse("bookings_session:course", args=[self.course.pk])


class CourseAttendanceView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A course at a glance: its sessions, and each household's attendance across the run (the
    registers themselves stay per session)."""

    model = Session
    permission_required = "change"
    template_name = "bookings/admin/course.html"
    page_title = "Course"
    header_icon = "list-ul"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.course = get_object_or_404(courses_managed_by(request.user), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.course)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("bookings_session:index"), "label": "Sessions"},
            {"url": "", "label": str(self.course)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["course"] = self.course
        context["attendance"] = course_attendance(self.course)
        context["payments_needing_attention"] = course_payments_needing_attention(self.course)
        return context


class CoursePaidAtCentreView(PermissionCheckedMixin, View):
    """Records that a household paid the course's price at the centre (a button per course
    booking with money due on the course's page). Logged on the course's next session to come,
    or its last once the run is over, where the session registers' payments are logged."""

    model = Session
    permission_required = "change"
    http_method_names = ["post"]

    def post(self, request, pk: int, course_booking_id: int):
        course = get_object_or_404(courses_managed_by(request.user), pk=pk)
        course_booking = get_object_or_404(
            CourseBooking.objects.select_related("parent"), pk=course_booking_id, course=course
        )
        try:
            register.record_course_payment_at_centre(
                course_booking_id=course_booking.pk, by=request.user
            )
        except BookingError as error:
            messages.error(request, str(error.message))
        else:
            run = selectors.course_sessions(course) or list(course.sessions.order_by("start"))
            to_come = [session for session in run if session.end > timezone.now()]
            audit.record(
                to_come[0] if to_come else run[-1],
                audit.PAID_AT_CENTRE,
                user=request.user,
                detail=f"Course booking {course_booking.reference}, from the course's page",
                booking=course_booking.reference,
            )
            messages.success(
                request, f"Course booking {course_booking.reference} is marked as paid."
            )
        return redirect("bookings_session:course", course.pk)


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = "Sessions"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    ordering = ["start", "pk"]
    list_per_page = 50
    filterset_class = SessionFilterSet
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    history_view_class = SessionHistoryView
    usage_view_class = SessionUsageView
    inspect_view_class = SessionInspectView

    def get_form_class(self, for_update=False):
        return SessionForm

    @property
    def series_view(self):
        return SeriesView.as_view()

    @property
    def cancel_view(self):
        return SessionCancelView.as_view()

    @property
    def add_course_view(self):
        return CourseView.as_view()

    @property
    def course_view(self):
        return CourseAttendanceView.as_view()

    @property
    def cancel_course_view(self):
        return CourseCancelView.as_view()

    @property
    def course_paid_at_centre_view(self):
        return CoursePaidAtCentreView.as_view()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("series/", self.series_view, name="series"),
            path("cancel/<int:pk>/", self.cancel_view, name="cancel"),
            path("courses/add/", self.add_course_view, name="add_course"),
            path("courses/<int:pk>/", self.course_view, name="course"),
            path("courses/<int:pk>/cancel/", self.cancel_course_view, name="cancel_course"),
            path(
                "courses/<int:pk>/paid/<int:course_booking_id>/",
                self.course_paid_at_centre_view,
                name="course_paid_at_centre",
            ),
        ]


class HolidayPeriodViewSet(ModelViewSet):
    """School holidays: superusers keep them; managers may look."""

    model = HolidayPeriod
    icon = "calendar-alt"
    menu_label = "School holidays"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "start_date", "end_date"]
    ordering = ["start_date"]

    def get_form_class(self, for_update=False):
        return HolidayPeriodForm


class TimetableViewSetGroup(ModelViewSetGroup):
    menu_label = "Timetable"
    menu_icon = "date"
    menu_order = 150
    items = (
        SessionViewSet("bookings_session", url_prefix="timetable/sessions"),
        HolidayPeriodViewSet("bookings_holidayperiod", url_prefix="timetable/school-holidays"),
    )
