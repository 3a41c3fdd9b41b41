"""Parent champions: applications to a centre, the champions a manager approved (with their
safeguarding checks), the activities and sessions they host, and the sessions a manager asked them
to cover. Practitioners: partner organisations' staff a manager invited to run their
organisation's sessions at the centre. What they all do with a register is in the sessions' audit
trail (`bookings.audit`)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Session
from cms.models import ActivityPage, CentrePage, PartnerOrganisation


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class ChampionApplication(models.Model):
    """A parent asking to become a champion at a centre. A parent has at most one open
    application per centre."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="champion_applications"
    )
    centre = models.ForeignKey(
        CentrePage, on_delete=models.CASCADE, related_name="champion_applications"
    )
    why = models.TextField(_("why you would like to be a champion"), max_length=2000)
    strengths = models.TextField(_("what you are good at"), max_length=2000)
    availability = models.TextField(_("when you are free"), max_length=1000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "centre"],
                condition=Q(status="open"),
                name="one_open_champion_application_per_centre",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="declined_application_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.parent} at {self.centre.title} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Champion(models.Model):
    """A parent approved to champion at one centre, with the dates of their safeguarding checks.
    Hosting sessions for children needs both checks to be current."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="championships"
    )
    # `champions` lets other apps ask "is this person a champion here?" through the centre,
    # without importing this app.
    centre = models.ForeignKey(CentrePage, on_delete=models.CASCADE, related_name="champions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    dbs_checked_on = models.DateField(_("DBS check date"), null=True, blank=True)
    training_completed_on = models.DateField(_("safeguarding training date"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["centre__title", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "centre"], name="one_champion_per_centre"),
        ]

    def __str__(self):
        return f"{self.user} at {self.centre.title}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def dbs_expires_on(self) -> datetime.date | None:
        if self.dbs_checked_on is None:
            return None
        return add_years(self.dbs_checked_on, settings.CHAMPION_DBS_CHECK_VALID_YEARS)

    @property
    def training_expires_on(self) -> datetime.date | None:
        if self.training_completed_on is None:
            return None
        return add_years(self.training_completed_on, settings.CHAMPION_TRAINING_VALID_YEARS)

    def checks_current_on(self, day: datetime.date) -> bool:
        """Both checks recorded, taken no later than `day`, and not lapsed by `day`."""
        pairs = [
            (self.dbs_checked_on, self.dbs_expires_on),
            (self.training_completed_on, self.training_expires_on),
        ]
        return all(taken and taken <= day < expires for taken, expires in pairs)

    @property
    def checks_current(self) -> bool:
        return self.checks_current_on(timezone.localdate())

    def check_warnings(self, today: datetime.date | None = None) -> list[str]:
        """Plain-English warnings for checks missing, lapsed or lapsing soon."""
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=settings.CHAMPION_CHECK_WARNING_DAYS)
        warnings = []
        for name, expires in [
            (_("DBS check"), self.dbs_expires_on),
            (_("Safeguarding training"), self.training_expires_on),
        ]:
            if expires is None:
                warnings.append(_("{name}: not recorded.").format(name=name))
            elif expires <= today:
                warnings.append(
                    _("{name}: lapsed on {day}.").format(
                        name=name, day=dateformat.format(expires, "j E Y")
                    )
                )
            elif expires <= soon:
                warnings.append(
                    _("{name}: lapses on {day}.").format(
                        name=name, day=dateformat.format(expires, "j E Y")
                    )
                )
        return warnings


class Hosting(models.Model):
    """A champion hosting either every session of an activity or one single session."""

    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="hostings")
    activity = models.ForeignKey(
        ActivityPage, on_delete=models.CASCADE, null=True, blank=True, related_name="hostings"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="hostings"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(activity__isnull=False) & Q(session__isnull=True))
                | (Q(activity__isnull=True) & Q(session__isnull=False)),
                name="hosting_activity_or_session",
            ),
            models.UniqueConstraint(
                fields=["champion", "activity"],
                condition=Q(activity__isnull=False),
                name="one_hosting_per_champion_activity",
            ),
            models.UniqueConstraint(
                fields=["champion", "session"],
                condition=Q(session__isnull=False),
                name="one_hosting_per_champion_session",
            ),
        ]

    def __str__(self):
        return f"{self.champion.user} hosts {self.activity or self.session}"


class SessionCover(models.Model):
    """A manager asking a champion of the centre to cover one session they do not host: for that
    session the champion sees and runs the register, as its host would."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="covers")
    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="covers")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "champion"], name="one_cover_per_session"),
        ]

    def __str__(self):
        return f"{self.champion.user} covers {self.session}"


class Practitioner(models.Model):
    """A partner organisation's member of staff, invited by a centre's manager to run that
    organisation's sessions at the centre (their registers, walk-ins, messages and the sessions
    themselves) and nothing else. One role per person per centre."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner_roles"
    )
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="practitioners"
    )
    centre = models.ForeignKey(CentrePage, on_delete=models.CASCADE, related_name="practitioners")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["centre__title", "partner__name", "user__email", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "centre"], name="one_practitioner_role_per_centre"
            ),
        ]
        # Held through the practitioners' group: it makes its members staff, who need a second
        # factor on every page (startwell.second_factor.is_staff_member).
        permissions = [("run_partner_sessions", "Can run their organisation's sessions")]

    def __str__(self):
        return f"{self.user} for {self.partner} at {self.centre.title}"
