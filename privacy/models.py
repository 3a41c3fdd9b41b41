"""What the privacy rules themselves need to remember: data downloads waiting to be fetched, and
which idle accounts have been warned before they are erased."""

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
