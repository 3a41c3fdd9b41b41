"""Every new centre gets its managers' group at once, so no centre is left editable by nobody
(or by everybody)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import CentrePage


@receiver(post_save, sender=CentrePage)
def create_manager_group(sender, instance: CentrePage, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        from .services import ensure_centre_manager_group

        ensure_centre_manager_group(centre=instance)
