"""Centres may require a second factor of their parent champions. New centres do; centres that
exist already do not until their managers turn it on, so champions running a session today are
not locked out of its register without warning (the README says how to turn it on). Saved page
drafts of those centres get the same value, so editing a page later does not switch it on
unnoticed."""

from django.db import migrations, models


def keep_existing_centres_off(apps, schema_editor):
    CentrePage = apps.get_model("cms", "CentrePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    centre_type = ContentType.objects.filter(app_label="cms", model="centrepage").first()
    if centre_type is None:
        return
    ids = [str(pk) for pk in CentrePage.objects.values_list("pk", flat=True)]
    for revision in Revision.objects.filter(content_type=centre_type, object_id__in=ids):
        revision.content["champions_need_second_factor"] = False
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_privacy_notice_page"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        # Rows that exist get False; then the default for new centres becomes True.
        migrations.AddField(
            model_name="centrepage",
            name="champions_need_second_factor",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="centrepage",
            name="champions_need_second_factor",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Parent champions must sign in with an authenticator app or a passkey "
                    "before they open a register, add walk-ins, message families or edit "
                    "sessions at this centre."
                ),
                verbose_name="champions need a second factor",
            ),
        ),
        migrations.RunPython(keep_existing_centres_off, migrations.RunPython.noop),
    ]
