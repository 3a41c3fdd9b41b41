"""What the privacy rules themselves need to remember: data downloads waiting to be fetched,
which idle accounts have been warned before they are erased, and, while an account or a child's
profile exists, the anonymous key and stand-ins its anonymised bookings share."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DataExport(models.Model):
    """A large data download, built in the background. The file name is random and the link
    to it is signed and expires; the file and this row go once it has expired."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    file = models.FileField(upload_to="privacy-exports/")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"Data download {self.pk}"


class IdleAccountWarning(models.Model):
    """When an account nobody had signed in to for the retention period was told it would be
    erased. Signing in again cancels the erasure."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idle_warning"
    )
    warned_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Idle account warned at {self.warned_at:%Y-%m-%d}"


class HouseholdKey(models.Model):
    """The key a family's anonymised bookings share, kept while the account exists, so that
    bookings anonymised on different days (the retention schedule runs daily) still count as
    one household in the figures. It goes with the account; nothing links them after that."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=24, unique=True)

    def __str__(self):
        return f"Household key {self.pk}"


class AnonymousChild(models.Model):
    """The anonymous stand-in (month and year of birth only) that replaces a child on anonymised
    bookings, kept while the child's profile exists, so that each child is counted once however
    many times their bookings are anonymised. It goes with the profile."""

    child = models.OneToOneField("startwell.Child", on_delete=models.CASCADE, related_name="+")
    stand_in = models.OneToOneField("startwell.Child", on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"Anonymous stand-in {self.pk}"
