"""Sessions (dated occurrences of an activity) and the bookings families make for them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager

from cms.models import ActivityPage, CentrePage, Venue, price_model_problems
from startwell.encryption import EncryptedTextField
from startwell.models import Child, User


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


class Course(models.Model):
    """A run of dated sessions of a course activity that families book as a whole: one booking
    holds places on every session of the run. The course owns its places (`capacity`); each of
    its sessions also keeps its own capacity, and a course place is given only while every
    session still to come has room for it. Its sessions are booked only as the course.

    Booking closes when the first session starts, unless late joiners are allowed (they then
    hold places on the sessions still to come)."""

    activity = models.ForeignKey(ActivityPage, on_delete=models.CASCADE, related_name="courses")
    centre = models.ForeignKey(
        CentrePage, on_delete=models.CASCADE, related_name="courses", editable=False
    )
    capacity = models.PositiveIntegerField(help_text="Places on the course: one per child")
    max_places_per_booking = models.PositiveSmallIntegerField(default=3)
    allow_late_joiners = models.BooleanField(
        "families may join after it starts",
        default=False,
        help_text="Families may book the sessions still to come once the course has started",
    )
    # Price of the whole course: empty fields mean "as the activity says" (see bookings.pricing).
    price_model = models.CharField(
        max_length=20, choices=ActivityPage.PRICE_MODEL_CHOICES, blank=True
    )
    price_pence = models.PositiveIntegerField(null=True, blank=True)
    suggested_pence = models.PositiveIntegerField(null=True, blank=True)
    minimum_pence = models.PositiveIntegerField(null=True, blank=True)
    funded_places = models.PositiveSmallIntegerField(null=True, blank=True)
    allow_pay_at_centre = models.BooleanField("families may pay at the centre", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_places_per_booking__gte=1), name="course_max_places_positive"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
        ]

    def __str__(self):
        first = self.sessions.order_by("start").first()
        if first is None:
            return self.activity.title
        return f"{self.activity.title}, from {timezone.localtime(first.start):%a %-d %b %Y}"

    def save(self, *args, **kwargs):
        if self.activity_id and not self.centre_id:
            self.centre = CentrePage.objects.ancestor_of(self.activity).get()
        super().save(*args, **kwargs)

    @property
    def pricing(self):
        from .pricing import pricing_for

        return pricing_for(self)


class Session(models.Model):
    """One dated occurrence of an activity, with its own capacity and booking window."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled by the centre")

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
    # Set for the sessions of a course: they are booked only as the whole course.
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        editable=False,
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
    # Price: empty fields mean "as the activity says" (see bookings.pricing).
    price_model = models.CharField(
        max_length=20,
        choices=ActivityPage.PRICE_MODEL_CHOICES,
        blank=True,
        help_text="Leave empty to use the activity's price",
    )
    price_pence = models.PositiveIntegerField("price per place (pence)", null=True, blank=True)
    suggested_pence = models.PositiveIntegerField(
        "suggested amount per place (pence)", null=True, blank=True
    )
    minimum_pence = models.PositiveIntegerField("minimum per place (pence)", null=True, blank=True)
    funded_places = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty to use the activity's number"
    )
    allow_pay_at_centre = models.BooleanField(
        "families may pay at the centre",
        default=False,
        help_text="When online payment is on, families choose: pay by card when they book, or "
        "pay at the centre on the day",
    )
    # Raised each time the session moves (date, time, venue) or is cancelled: calendars that
    # saved its entry (same UID) replace it with the higher SEQUENCE instead of adding a second.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # When the date, time or venue last changed. A family booked before then may cancel online
    # until the start, past the cutoff: the session they booked is not the one that will run.
    moved_at = models.DateTimeField(null=True, blank=True, editable=False)
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

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.price_model:
            problems = price_model_problems(
                self.price_model, self.price_pence, self.suggested_pence, self.minimum_pence
            )
            if problems:
                raise ValidationError(problems)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def pricing(self):
        from .pricing import pricing_for

        return pricing_for(self)

    @property
    def bookable_until(self):
        return self.booking_closes or self.start

    @property
    def cancellable_until(self):
        return self.cancellation_cutoff or self.start


class FamilyContact(models.Model):
    """A family the centre books for without an account of its own: the people least likely to
    read e-mail or make an account are the ones the centres most want to reach. Kept by staff
    of one centre, with the family's recorded consent; found again only by an exact mobile
    number or e-mail address, or from the bookings of the staff member's own sessions.

    Its children are ordinary `Child` rows without a parent account, linked through
    `ContactChild`, so bookings, registers and age rules treat them as any other child and an
    account that claims the family takes them over unchanged."""

    centre = models.ForeignKey(CentrePage, on_delete=models.CASCADE, related_name="+")
    first_name = models.CharField(max_length=50)
    last_name = models.CharField(max_length=50, blank=True)
    mobile = PhoneNumberField(region="GB", blank=True)
    email = models.EmailField("e-mail address", blank=True)
    contact_by = models.CharField(
        max_length=10, choices=User.ContactBy.choices, default=User.ContactBy.TEXT
    )
    # In the words of whoever recorded it: "agreed by phone on 3 March".
    consent = models.CharField(max_length=200)
    consent_recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(default=timezone.now)
    children = models.ManyToManyField(
        Child, through="ContactChild", blank=True, related_name="family_contacts"
    )
    # The account that proved the same mobile or e-mail and took the family over.
    claimed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # A claim in progress: the keyed digest of the code sent, its expiry and the tries left.
    claim_code_digest = models.CharField(max_length=64, blank=True)
    claim_code_expires_at = models.DateTimeField(null=True, blank=True)
    claim_tries_left = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # The last time staff booked for or changed the family: an idle contact is erased as an
    # idle account is (`privacy.retention`).
    last_active_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_name", "last_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mobile="") | ~Q(email=""), name="family_contact_reachable"
            ),
            models.CheckConstraint(condition=~Q(consent=""), name="family_contact_consent"),
            models.UniqueConstraint(
                fields=["centre", "mobile"],
                condition=~Q(mobile=""),
                name="one_family_contact_per_mobile_per_centre",
            ),
            models.UniqueConstraint(
                fields=["centre", "email"],
                condition=~Q(email=""),
                name="one_family_contact_per_email_per_centre",
            ),
        ]

    def __str__(self):
        return self.short_name

    @property
    def short_name(self) -> str:
        """How champions see the family: first name and surname initial."""
        last = self.last_name.strip()
        return f"{self.first_name} {last[0]}." if last else self.first_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def greeting(self) -> str:
        return gettext("Hello {name},").format(name=self.first_name)


class ContactChild(models.Model):
    """A child of a family contact. A child belongs to one family contact at most."""

    contact = models.ForeignKey(FamilyContact, on_delete=models.CASCADE, related_name="+")
    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.child} of {self.contact}"


def new_reference() -> str:
    """Short, unguessable and easy to read aloud: no 0/O or 1/I/L."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Booked")
    WAITING = "waiting", _("On the waiting list")
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    CANCELLED = "cancelled", _("Cancelled")
    LEFT_WAITING_LIST = "left_waiting_list", _("Left the waiting list")
    PAYMENT_EXPIRED = "payment_expired", _("Not paid in time")


class CourseBooking(models.Model):
    """A household's booking of a whole course, or its place in the course's waiting list: one
    reference and one price for the run. While it holds places, each session of the run still
    to come has a `Booking` of its own (`Booking.course_booking`), which is what the session's
    register, attendance and capacity count; cancelling the course booking cancels those."""

    Status = BookingStatus
    ACTIVE_STATUSES = [Status.CONFIRMED, Status.WAITING, Status.PENDING_PAYMENT]
    HOLDING_STATUSES = [Status.CONFIRMED, Status.PENDING_PAYMENT]
    # Families book courses from their own account; staff do not book courses for a family
    # contact (yet), so messages always go to the account.
    family_contact_id = None
    family_contact = None

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="bookings")
    # Empty once the course booking is anonymised, as a session's booking is (`Booking.parent`).
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="course_bookings",
    )
    # The anonymised household's key, shared with its anonymised session bookings.
    household = models.CharField(max_length=24, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices)
    places = models.PositiveSmallIntegerField()
    children = models.ManyToManyField(Child, blank=True, related_name="course_bookings")
    adults = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    waiting_since = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    access_notes = models.CharField(max_length=500, blank=True)
    # What the family agreed to pay for the whole course, in pence; 0 for free and funded places.
    amount_pence = models.PositiveIntegerField(default=0)
    funded = models.BooleanField(default=False)
    payment_due_at_centre = models.BooleanField(default=False)
    chose_to_pay_at_centre = models.BooleanField(default=False)
    # When staff recorded the course's price as paid at the centre (`register.record_course_
    # payment_at_centre`); the money itself is the course booking's `Payment`.
    paid_at_centre_at = models.DateTimeField(null=True, blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "parent"],
                condition=Q(status__in=["confirmed", "waiting", "pending_payment"]),
                name="one_active_course_booking_per_parent",
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1), name="course_booking_places_positive"
            ),
            models.CheckConstraint(
                condition=~Q(funded=True) | Q(amount_pence=0), name="course_booking_funded_is_free"
            ),
            models.CheckConstraint(
                condition=~Q(status="pending_payment") | Q(hold_expires_at__isnull=False),
                name="course_booking_pending_payment_has_hold",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | ~Q(household=""),
                name="course_booking_belongs_to_a_family",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class Attendance(models.TextChoices):
    """Who came, for the centre's reports. A booking is attended or a no-show; a family without
    a booking who came on the day is a walk-in."""

    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    WALK_IN = "walk_in", _("Walk-in")


class Booking(models.Model):
    """A household's places on a session, or its place in the waiting list."""

    Status = BookingStatus

    # Statuses that hold a household's claim on a session; only one such booking per parent.
    ACTIVE_STATUSES = [Status.CONFIRMED, Status.WAITING, Status.PENDING_PAYMENT]
    # Statuses whose places count against capacity: a place held for payment is taken.
    HOLDING_STATUSES = [Status.CONFIRMED, Status.PENDING_PAYMENT]

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    # A session's place held by a course booking: its status follows the course booking's, and
    # the family sees and changes the course booking, not this row.
    course_booking = models.ForeignKey(
        CourseBooking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_bookings",
    )
    # Empty once the booking is anonymised (the family deleted its account, or the retention
    # period passed): the row stays for the centre's figures, `household` tells its bookings apart.
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bookings",
    )
    # A family the centre keeps without an account (booked by staff); never with `parent`.
    family_contact = models.ForeignKey(
        FamilyContact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    # Who made the booking: the family itself, or staff on its behalf from a register.
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A random key shared by an anonymised household's bookings, so figures count it once.
    household = models.CharField(max_length=24, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices)
    places = models.PositiveSmallIntegerField()
    children = models.ManyToManyField(Child, blank=True, related_name="bookings")
    adults = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Waiting households are promoted first come, first served by this time.
    waiting_since = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    access_notes = models.CharField(
        max_length=500,
        blank=True,
        help_text="Anything the host should know to welcome the family (access needs)",
    )
    # Kept for the centre's reports; walk-ins are `WalkIn` rows, present by definition.
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    paid_at_centre_at = models.DateTimeField(null=True, blank=True)
    # What the family agreed to pay for the whole booking, in pence; 0 for free and funded places.
    amount_pence = models.PositiveIntegerField(default=0)
    # A funded place claimed by self-declaration. Staff see only how many were used, never whose.
    funded = models.BooleanField(default=False)
    # Paid sessions booked while online payment is off, or by a family who chose to pay at the
    # centre where the session allows it: the family pays on the day.
    payment_due_at_centre = models.BooleanField(default=False)
    # The family's choice, kept from the booking form so that a place given from the waiting
    # list later is paid the way they chose.
    chose_to_pay_at_centre = models.BooleanField(default=False)
    # Until when a booking waiting for payment keeps its places.
    hold_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "parent"],
                condition=Q(status__in=["confirmed", "waiting", "pending_payment"]),
                name="one_active_booking_per_parent_per_session",
            ),
            models.UniqueConstraint(
                fields=["session", "family_contact"],
                condition=Q(status__in=["confirmed", "waiting", "pending_payment"]),
                name="one_active_booking_per_family_contact_per_session",
            ),
            # A family's account, or a family contact, or (anonymised) a household key.
            models.CheckConstraint(
                condition=Q(parent__isnull=False, family_contact__isnull=True)
                | Q(parent__isnull=True, family_contact__isnull=False)
                | (Q(parent__isnull=True, family_contact__isnull=True) & ~Q(household="")),
                name="booking_belongs_to_a_family",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="booking_places_positive"),
            models.CheckConstraint(
                condition=~Q(status="pending_payment") | Q(hold_expires_at__isnull=False),
                name="booking_pending_payment_has_hold",
            ),
            models.CheckConstraint(
                condition=~Q(funded=True) | Q(amount_pence=0), name="booking_funded_is_free"
            ),
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

    @property
    def made_on_behalf(self) -> bool:
        """Booked by staff for the family: paid at the centre, never online."""
        return self.family_contact_id is not None or (
            self.booked_by_id is not None and self.booked_by_id != self.parent_id
        )


class WalkIn(models.Model):
    """A family without a booking who came on the day, recorded with the least needed: a first
    name or label and how many came. Their places count against the session's capacity."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="walk_ins")
    label = models.CharField(
        _("first name or label"),
        max_length=60,
        help_text=_("For example: Amira, or Family in red"),
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


class Payment(models.Model):
    """The money side of one booking: a Stripe Checkout payment, or a payment taken at the
    centre. Refund progress and anything staff must sort out by hand are kept here too."""

    class Method(models.TextChoices):
        ONLINE = "online", _("Card, online")
        CENTRE = "centre", _("At the centre")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Not paid")

    class RefundStatus(models.TextChoices):
        NONE = "", _("No refund")
        REQUESTED = "requested", _("Refund requested")
        PENDING = "pending", _("Refund on its way")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Refund being sorted out by the centre")

    # What is paid for: one session's booking, or a whole course's booking (never both).
    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="payment"
    )
    course_booking = models.OneToOneField(
        CourseBooking, on_delete=models.CASCADE, null=True, blank=True, related_name="payment"
    )
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.ONLINE)
    amount_pence = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="gbp")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    # Each new payment page for the booking gets its own idempotency key.
    checkout_attempts = models.PositiveSmallIntegerField(default=0)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Who took the money, for payments at the centre.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    refund_status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.NONE, blank=True
    )
    refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    refund_reason = models.CharField(max_length=200, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # Set when something needs a person: a refund Stripe refused, money taken at the centre for
    # a cancelled booking.
    needs_attention = models.BooleanField(default=False)
    attention_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="payment_paid_has_time"
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False, course_booking__isnull=True)
                | Q(booking__isnull=True, course_booking__isnull=False),
                name="payment_for_a_booking_or_a_course_booking",
            ),
        ]

    def __str__(self):
        return f"{self.paid_for.reference}: {self.get_status_display()}"

    @property
    def paid_for(self) -> "Booking | CourseBooking":
        """The booking this payment is for: a session's, or a whole course's."""
        return self.booking if self.booking_id else self.course_booking

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID


class StripeEvent(models.Model):
    """Every webhook event Stripe sent, as it arrived. The event id is unique, so a delivery seen
    before is recognised and not acted on twice."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    # A short note of what the portal did with it: "confirmed B7K2…", "unknown booking"…
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class SessionLogEntryManager(BaseLogEntryManager):
    """Wagtail's audit log for sessions, kept per centre: a manager's listings (the admin's site
    history, a session's history, the champions' log page) only ever show their own centres."""

    def log_action(self, instance, action, **kwargs):
        kwargs["session"] = instance
        if Session.centre.is_cached(instance):
            kwargs["centre"] = instance.centre
        else:
            kwargs["centre_id"] = instance.centre_id
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(session=instance)

    def viewable_by_user(self, user):
        from cms.selectors import centres_managed_by

        return self.filter(centre__in=centres_managed_by(user).values("pk"))


class SessionLogEntry(BaseLogEntry):
    """One entry of the audit trail of sessions and their registers: who looked at or changed
    what, and when. Written through `bookings.audit.record`, read by the centre's managers."""

    # The entry outlives a deleted session; its label still names it.
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="log_entries"
    )
    # Copied from the session so a centre's trail is one indexed query, and stays after deletion.
    centre = models.ForeignKey(CentrePage, on_delete=models.CASCADE, related_name="+")

    objects = SessionLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-pk"]
        verbose_name = "session log entry"
        verbose_name_plural = "session log entries"
        indexes = [models.Index(fields=["centre", "-timestamp"])]

    def __str__(self):
        return f"{self.action} by {self.user_id} on {self.label} at {self.timestamp:%Y-%m-%d %H:%M}"

    @property
    def object_id(self):
        return self.session_id

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        """Wagtail validates every entry before saving it, which asks the database whether each
        related row exists: four queries on every look at a register for the session, its
        centre, the person and the content type, all already in hand. Rows in hand (read from
        the database) are not asked for again."""
        in_hand = {
            field.name
            for field in self._meta.concrete_fields
            if field.is_relation
            and field.is_cached(self)
            and getattr(self, field.name) is not None
            and not getattr(self, field.name)._state.adding
        }
        super().full_clean(
            exclude={*(exclude or ()), *in_hand},
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )


class DropOffDetails(models.Model):
    """What the centre needs to know about one child left at a drop-off session: someone to call,
    allergies and medical notes, and whether photos may be taken. Seen only by whoever runs the
    session's register and the centre's managers; the contact and the notes are encrypted at
    rest; the row is deleted RETENTION_DROP_OFF_DAYS after the session (`privacy.retention`).

    Given with a session's booking, or once with a course booking for every session of the run
    (then deleted that long after the course's last session)."""

    booking = models.ForeignKey(
        Booking,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drop_off_details",
    )
    course_booking = models.ForeignKey(
        CourseBooking,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drop_off_details",
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="drop_off_details")
    emergency_name = EncryptedTextField("emergency contact's name")
    emergency_relationship = EncryptedTextField("who they are to the child")
    emergency_phone = EncryptedTextField("emergency contact's phone number")
    medical_notes = EncryptedTextField("allergies and medical notes", blank=True)
    photo_consent = models.BooleanField("photos may be taken")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["booking", "child__first_name", "pk"]
        verbose_name_plural = "drop-off details"
        constraints = [
            models.UniqueConstraint(fields=["booking", "child"], name="one_drop_off_per_child"),
            models.UniqueConstraint(
                fields=["course_booking", "child"], name="one_course_drop_off_per_child"
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False, course_booking__isnull=True)
                | Q(booking__isnull=True, course_booking__isnull=False),
                name="drop_off_for_a_booking_or_a_course_booking",
            ),
            models.CheckConstraint(
                condition=~Q(emergency_name="") & ~Q(emergency_phone=""),
                name="drop_off_has_emergency_contact",
            ),
        ]

    def __str__(self):
        return f"Drop-off details for {self.child} ({self.booking or self.course_booking})"
