"""Writes for the page tree: each centre gets its own managers' group whose permissions cover
that centre's pages and nothing else."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from .models import CentrePage

# Page actions a centre manager may take within their centre's subtree.
MANAGER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Images and documents they may upload and choose for their pages.
MANAGER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]
# The timetable: their sessions (the views limit them to their own centre), the bookings on them,
# and the borough's school holidays to read. Named by app label so pages need not import bookings.
MANAGER_MODEL_PERMISSIONS = [
    ("bookings", "add_session"),
    ("bookings", "change_session"),
    ("bookings", "view_session"),
    ("bookings", "view_booking"),
    ("bookings", "view_holidayperiod"),
]


@transaction.atomic
def share_managers_with_translation(*, original: CentrePage, translation: CentrePage) -> None:
    """The managers of a centre edit its translations too: the same page permissions on the
    translated centre's subtree (its own tree in its language) as on the centre's."""
    group = ensure_centre_manager_group(centre=original)
    CentrePage.objects.filter(pk=translation.pk).update(manager_group=group)
    translation.manager_group = group
    # Written in one go, as for the centre (a grant there already changes nothing).
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page=translation, permission=permission)
            for permission in Permission.objects.filter(
                content_type__app_label="wagtailcore", codename__in=MANAGER_PAGE_PERMISSIONS
            )
        ],
        ignore_conflicts=True,
    )


def translating_permission() -> Permission:
    """wagtail-localize's "Can submit translations" (made by its migrations, so made again here
    for a database emptied since): managers translate their centre's pages."""
    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    return permission


def manager_group_name(centre: CentrePage) -> str:
    return f"{centre.title} managers"


@transaction.atomic
def ensure_centre_manager_group(*, centre: CentrePage) -> Group:
    """Creates (or repairs) the centre's managers' group and its permissions. Safe to repeat."""
    group = centre.manager_group
    if group is None:
        group, _ = Group.objects.get_or_create(name=manager_group_name(centre))
        CentrePage.objects.filter(pk=centre.pk).update(manager_group=group)
        centre.manager_group = group

    # Every permission in one query, and each kind of grant written in one go (the grants are
    # unique together, so writing one again changes nothing).
    model_permissions = [("wagtailadmin", "access_admin"), *MANAGER_MODEL_PERMISSIONS]
    wanted = Q(content_type__app_label="wagtailcore", codename__in=MANAGER_PAGE_PERMISSIONS)
    for app_label, codename in model_permissions + MANAGER_COLLECTION_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(wanted).select_related("content_type")
    }
    group.permissions.add(*(found[name] for name in model_permissions))
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page=centre, permission=found[("wagtailcore", name)])
            for name in MANAGER_PAGE_PERMISSIONS
        ],
        ignore_conflicts=True,
    )
    group.permissions.add(translating_permission())
    root_collection = Collection.get_first_root_node()
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(
                group=group, collection=root_collection, permission=found[name]
            )
            for name in MANAGER_COLLECTION_PERMISSIONS
        ],
        ignore_conflicts=True,
    )
    return group
