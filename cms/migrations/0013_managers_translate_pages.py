"""Each centre's managers may translate its pages (wagtail-localize's "Can submit translations")
and edit the translations of its centre page (the same page permissions there as on the
centre)."""

from django.db import migrations

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def let_managers_translate(apps, schema_editor):
    Permission = apps.get_model("auth.Permission")
    CentrePage = apps.get_model("cms.CentrePage")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    translating = Permission.objects.get(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    )
    page_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
        )
    )
    centres = CentrePage.objects.exclude(manager_group=None)
    for centre in centres:
        centre.manager_group.permissions.add(translating)
        translations = CentrePage.objects.filter(translation_key=centre.translation_key).exclude(
            pk=centre.pk
        )
        for translation in translations:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=centre.manager_group, page_id=translation.pk, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0012_activitypage_drop_off"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(let_managers_translate, migrations.RunPython.noop)]
