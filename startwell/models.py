"""People: the portal's user (signs in by e-mail, no username) and the children they book for."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class EmailUserManager(UserManager):
    """Creates users keyed by e-mail address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class ContactBy(models.TextChoices):
        EMAIL = "email", _("E-mail")
        TEXT = "text", _("Text message")
        BOTH = "both", _("E-mail and text message")

    username = None
    email = models.EmailField("e-mail address", unique=True)
    # How the family wants to hear about its bookings. Texts go only to a confirmed mobile.
    contact_by = models.CharField(max_length=10, choices=ContactBy.choices, default=ContactBy.EMAIL)
    # The language pages are shown in while signed in and every message is written in (e-mails,
    # texts, calendar entries): chosen with the language control, or, until then, the language
    # the person was browsing in when they first signed in. Blank: not known (English).
    language = models.CharField(
        "language", max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.first_name or self.email.split("@")[0]

    @property
    def greeting(self) -> str:
        """How an e-mail to the person opens: by first name, or a plain "Hello," when we have
        none (never the start of their e-mail address)."""
        name = self.first_name.strip()
        return gettext("Hello {name},").format(name=name) if name else gettext("Hello,")


class Child(models.Model):
    """A child a parent books for. Only what sessions need: a first name and the month and year
    of birth (age limits are in months)."""

    # Empty (and the first name blank) for a child whose profile was removed but who came to
    # sessions: the row keeps only the birth month and year, for the centre's figures.
    parent = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    first_name = models.CharField(max_length=50)
    birth_month = models.PositiveSmallIntegerField(choices=list(MONTHS.items()))
    birth_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["birth_year", "birth_month", "first_name"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_month__gte=1, birth_month__lte=12),
                name="child_birth_month_valid",
            )
        ]

    def __str__(self):
        return self.first_name

    def age_in_months_on(self, day: datetime.date) -> int:
        """Whole months from the start of the birth month: a child born in March is 0 months old
        throughout March and 1 month old in April."""
        return (day.year - self.birth_year) * 12 + (day.month - self.birth_month)

    def age_on(self, day: datetime.date) -> str:
        return describe_age(self.age_in_months_on(day))


def describe_age(months: int) -> str:
    """An age as families say it: in months up to two years ("18 months"), then in years and
    months ("3 years 2 months", "2 years")."""
    if months < 0:
        return gettext("not born yet")
    if months < 24:
        return ngettext("%(months)d month", "%(months)d months", months) % {"months": months}
    years, rest = divmod(months, 12)
    in_years = ngettext("%(years)d year", "%(years)d years", years) % {"years": years}
    if rest == 0:
        return in_years
    # Translators: an age in years and months, such as "3 years 2 months".
    return gettext("{years} {months}").format(
        years=in_years,
        months=ngettext("%(months)d month", "%(months)d months", rest) % {"months": rest},
    )


class PeriodicTaskRun(models.Model):
    """When each periodic task was last enqueued, shared by every scheduler process."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class MobilePhone(models.Model):
    """A UK mobile number on an account (E.164), confirmed by a code sent to it. Only the code's
    keyed digest is kept, with its expiry and the tries left. A confirmed number belongs to one
    account. When Notify refuses for good to text it (an invalid number), that is kept here and
    shown to staff."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mobile")
    number = PhoneNumberField(region="GB")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    code_digest = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    tries_left = models.PositiveSmallIntegerField(default=0)
    delivery_failed_at = models.DateTimeField(null=True, blank=True)
    delivery_failure = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(confirmed_at__isnull=False),
                name="one_account_per_confirmed_mobile",
            )
        ]

    def __str__(self):
        return self.number.as_international if self.number else ""

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class DeliveryFailure(models.Model):
    """A message Notify refused for good (an invalid number, an address that bounces) or could
    not take after every retry: kept by the address it was for, so that staff see on the
    family's record why the family is not hearing from the centre. Removed by the retention
    schedule with other message records."""

    class Channel(models.TextChoices):
        TEXT = "text", _("Text message")
        EMAIL = "email", _("E-mail")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The number in E.164 form, or the e-mail address in lower case.
    address = models.CharField(max_length=254, db_index=True)
    reason = models.CharField(max_length=200)
    failed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.address}: {self.reason}"


class AttemptCount(models.Model):
    """How many times one person tried one action in the current window of one limit (see
    `startwell.ratelimits`). One row per person, action and limit, counted up in place."""

    key = models.CharField(max_length=200, primary_key=True)
    # Which window the count belongs to: the time in seconds divided by the limit's period.
    window = models.BigIntegerField()
    count = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.key}: {self.count}"
