"""Every new centre gets its managers' group at once, so no centre is left editable by nobody
(or by everybody)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import CentrePage


@receiver(post_save, sender=CentrePage)
def create_manager_group(sender, instance: CentrePage, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        from .services import ensure_centre_manager_group, share_managers_with_translation

        original = (
            CentrePage.objects.originals()
            .filter(translation_key=instance.translation_key)
            .exclude(pk=instance.pk)
            .first()
        )
        if original is not None:
            # A translation: the centre's own managers look after it.
            share_managers_with_translation(original=original, translation=instance)
        else:
            ensure_centre_manager_group(centre=instance)


def connect_page_cache() -> None:
    """Public pages (and the Open Referral API) show pages, their venues, partners and
    neighbourhoods, images and documents: any change to them (a page saved, published,
    unpublished, moved, deleted or made private; a snippet or an image edited) ends the
    anonymous page cache's generation."""
    from django.db.models.signals import post_delete
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from startwell import pagecache

    from .models import CentrePartner, Footprint, PartnerOrganisation, Venue

    def page_changed(sender, instance=None, raw=False, **kwargs):
        if isinstance(instance, Page) and not raw:
            pagecache.invalidate()

    def page_event(sender, **kwargs):
        pagecache.invalidate()

    post_save.connect(page_changed, weak=False, dispatch_uid="pagecache:pages-saved")
    post_delete.connect(page_changed, weak=False, dispatch_uid="pagecache:pages-deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_event, weak=False, dispatch_uid=f"pagecache:{id(signal)}")
    pagecache.invalidate_on_change(
        Footprint,
        Venue,
        PartnerOrganisation,  # a snippet: edited without publishing any page
        CentrePartner,
        # A page made private (or public again) leaves or joins the public pages and the API
        # without being republished.
        PageViewRestriction,
        CollectionViewRestriction,
        Site,
        get_image_model(),
        get_document_model(),
    )


def connect_person_facts() -> None:
    """A centre's managers (its managers' group) see the "Champions" link: a centre saved or
    deleted may have changed who they are."""
    from startwell import person_facts

    person_facts.invalidate_on_change(CentrePage)
