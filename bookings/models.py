"""Sessions (dated occurrences of an activity) and the bookings families make for them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cms.models import ActivityPage, CentrePage, Venue
from startwell.models import Child


class HolidayPeriod(models.Model):
    """A school holiday in the borough. Series of sessions skip these days (bank holidays are
    computed, not kept here)."""

    name = models.CharField(max_length=80, help_text="For example: Autumn half term")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="holiday_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%-d %b %Y} to {self.end_date:%-d %b %Y})"


class Session(models.Model):
    """One dated occurrence of an activity, with its own capacity and booking window."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled by the centre"

    activity = models.ForeignKey(ActivityPage, on_delete=models.CASCADE, related_name="sessions")
    # Copied from the activity's place in the page tree so that listings and permission checks
    # filter by centre without walking the tree.
    centre = models.ForeignKey(
        CentrePage, on_delete=models.CASCADE, related_name="sessions", editable=False
    )
    # A venue removed from the centre's page leaves its sessions "venue to be confirmed".
    venue = models.ForeignKey(
        Venue, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveIntegerField(help_text="Places: one per child, or per adult")
    max_places_per_booking = models.PositiveSmallIntegerField(default=3)
    booking_opens = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to open booking straight away"
    )
    booking_closes = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to take bookings until the start"
    )
    cancellation_cutoff = models.DateTimeField(
        null=True, blank=True, help_text="Families may cancel until then; empty means the start"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancellation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["start", "status"]),
            models.Index(fields=["centre", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(max_places_per_booking__gte=1), name="session_max_places_positive"
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{self.activity.title}, {local:%a %-d %b %Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.activity_id and not self.centre_id:
            self.centre = CentrePage.objects.ancestor_of(self.activity).get()
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def bookable_until(self):
        return self.booking_closes or self.start

    @property
    def cancellable_until(self):
        return self.cancellation_cutoff or self.start


def new_reference() -> str:
    """Short, unguessable and easy to read aloud: no 0/O or 1/I/L."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Attendance(models.TextChoices):
    """Who came, for the centre's reports. A booking is attended or a no-show; a family without
    a booking who came on the day is a walk-in."""

    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not come"
    WALK_IN = "walk_in", "Walk-in"


class Booking(models.Model):
    """A household's places on a session, or its place in the waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Booked"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"
        LEFT_WAITING_LIST = "left_waiting_list", "Left the waiting list"

    # Statuses that hold a household's claim on a session; only one such booking per parent.
    ACTIVE_STATUSES = [Status.CONFIRMED, Status.WAITING]
    # Statuses whose places count against capacity.
    HOLDING_STATUSES = [Status.CONFIRMED]

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    places = models.PositiveSmallIntegerField()
    children = models.ManyToManyField(Child, blank=True, related_name="bookings")
    adults = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Waiting households are promoted first come, first served by this time.
    waiting_since = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    access_notes = models.CharField(
        max_length=500,
        blank=True,
        help_text="Anything the host should know to welcome the family (access needs)",
    )
    # Kept for the centre's reports; walk-ins are `WalkIn` rows, present by definition.
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at_centre_at = models.DateTimeField(null=True, blank=True)
    paid_at_centre_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["session", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "parent"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="one_active_booking_per_parent_per_session",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="booking_places_positive"),
            models.CheckConstraint(
                condition=Q(attendance__in=["", "attended", "no_show"]),
                name="booking_attendance_known",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class WalkIn(models.Model):
    """A family without a booking who came on the day, recorded with the least needed: a first
    name or label and how many came. Their places count against the session's capacity."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="walk_ins")
    label = models.CharField(
        "first name or label", max_length=60, help_text="For example: Amira, or Family in red"
    )
    children = models.PositiveSmallIntegerField(default=0)
    adults = models.PositiveSmallIntegerField(default=0)
    places = models.PositiveSmallIntegerField()
    # Set only when whoever ran the register confirmed taking the session past its capacity.
    over_capacity = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="walk_in_places_positive"),
            models.CheckConstraint(condition=~Q(label=""), name="walk_in_label_required"),
        ]

    def __str__(self):
        return f"{self.label} (walk-in)"

    attendance = Attendance.WALK_IN
