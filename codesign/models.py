"""Co-design: ideas parents propose for a centre, the support and comments they gather, and every
decision the centre takes on them. Rules live in services.py; these models hold data and the
constraints the database can guard."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import ActivityPage, CentrePage

TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 3000
COMMENT_MAX_LENGTH = 1000
DEFAULT_SUPPORT_THRESHOLD = 10


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for a check")
    PUBLISHED = "published", _("Open for support")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SCHEDULED = "scheduled", _("Happening")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Not published")


# Everyone may read ideas in these states; the others are seen by the proposer and the centre.
PUBLIC_STATUSES = [
    IdeaStatus.PUBLISHED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.ACCEPTED,
    IdeaStatus.DECLINED,
    IdeaStatus.SCHEDULED,
]
# Parents may add or take back their support only while the centre has not decided.
OPEN_STATUSES = [IdeaStatus.PUBLISHED, IdeaStatus.UNDER_REVIEW]


class Audience(models.TextChoices):
    PREGNANCY = "pregnancy", _("Parents-to-be")
    BABIES = "babies", _("Babies (0 to 12 months)")
    TODDLERS = "toddlers", _("Toddlers (1 to 3 years)")
    PRESCHOOL = "preschool", _("Pre-school children (3 to 5 years)")
    SCHOOL_AGE = "school_age", _("School-age children (5 to 11 years)")
    WHOLE_FAMILY = "family", _("The whole family")
    ADULTS = "adults", _("Parents and carers (adults only)")


class CentreIdeaSettings(models.Model):
    """How a centre runs co-design. A centre without a row uses the defaults."""

    centre = models.OneToOneField(
        CentrePage, on_delete=models.CASCADE, primary_key=True, related_name="idea_settings"
    )
    support_threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_SUPPORT_THRESHOLD,
        help_text="When an idea has this many supporters it goes to the centre's managers.",
    )

    class Meta:
        verbose_name = "centre co-design settings"
        verbose_name_plural = "centre co-design settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(support_threshold__gte=1), name="idea_threshold_at_least_one"
            )
        ]

    def __str__(self):
        return f"Co-design settings for {self.centre}"


class Idea(models.Model):
    centre = models.ForeignKey(CentrePage, on_delete=models.CASCADE, related_name="ideas")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="ideas"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH)
    audience = models.CharField("who it is for", max_length=20, choices=Audience.choices)
    suggested_times = models.CharField(
        "suggested days and times",
        max_length=200,
        blank=True,
        help_text="For example: Tuesday mornings, or after school on Fridays",
    )
    can_help = models.BooleanField("I could help run this", default=False)
    help_offer = models.CharField(
        "how you could help",
        max_length=500,
        blank=True,
        help_text="Only the centre's team sees this. For example: I play guitar, I speak Polish",
    )
    status = models.CharField(
        max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    # The latest public word from the centre: a reason for turning it down, or what will happen.
    response = models.TextField(blank=True)
    # The activity the centre runs because of this idea; its sessions are what came of it.
    activity = models.ForeignKey(
        ActivityPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    notify_proposer = models.BooleanField(default=True)
    # Sessions whose booking opened up to this moment have been announced to the idea's people.
    bookings_announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_active_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["centre", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=IdeaStatus.values), name="idea_status_known"
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="idea_title_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX_LENGTH),
                name="idea_description_not_too_long",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class IdeaDecision(models.Model):
    """One change of an idea's status: who made it (nobody for automatic ones), when, and what
    they said. Kept for every change, so the centre can show how each idea was handled."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="decisions")
    from_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.idea}: {self.from_status} → {self.to_status}"


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    # Empty once the supporter's account is deleted: the support still counts.
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="idea_supports",
    )
    notify = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "parent"], name="one_support_per_parent")
        ]

    def __str__(self):
        return f"{self.parent} supports {self.idea}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField("comment", max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), COMMENT_MAX_LENGTH),
                name="comment_not_too_long",
            ),
        ]

    def __str__(self):
        return f"Comment on {self.idea}"


class CommentReport(models.Model):
    """A person telling the centre a comment should not be there. Open until a moderator hides
    or keeps the comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")
        ]

    def __str__(self):
        return f"Report on {self.comment}"
