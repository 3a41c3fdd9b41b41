"""The partner services' free text is now partner organisations (0007 moved it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_partners_from_text"),
    ]

    operations = [
        migrations.RemoveField(model_name="activitypage", name="partner_name"),
        migrations.RemoveField(model_name="centrepage", name="partner_services"),
    ]
