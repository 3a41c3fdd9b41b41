"""Moves each centre's partner services (free text in a StreamField) into partner organisations,
one per name across the borough, linked to the centres that listed them with their "when", and
points each activity run by a partner at the organisation its partner name named."""

from django.db import migrations

# The StreamField's kinds of service, as partner organisations' kinds.
KINDS = {
    "health_visitors": "health_visiting",
    "school_nurses": "school_nursing",
    "midwives": "midwifery",
    "early_help": "early_help",
    "youth_justice": "youth_justice",
    "send": "send",
    "voluntary": "voluntary",
    "adult_learning": "adult_learning",
    "other": "other",
}


def _organisation(PartnerOrganisation, name: str, kind: str = "other", description: str = ""):
    name = name.strip()[:120]
    found = PartnerOrganisation.objects.filter(name__iexact=name).first()
    if found is not None:
        if not found.description and description:
            found.description = description
            found.save(update_fields=["description"])
        return found
    return PartnerOrganisation.objects.create(name=name, kind=kind, description=description)


def forwards(apps, schema_editor):
    CentrePage = apps.get_model("cms", "CentrePage")
    ActivityPage = apps.get_model("cms", "ActivityPage")
    PartnerOrganisation = apps.get_model("cms", "PartnerOrganisation")
    CentrePartner = apps.get_model("cms", "CentrePartner")

    for centre in CentrePage.objects.order_by("pk"):
        order = 0
        for block in centre.partner_services.raw_data:
            value = block.get("value") or {}
            name = (value.get("name") or "").strip()
            if block.get("type") != "service" or not name:
                continue
            partner = _organisation(
                PartnerOrganisation,
                name,
                KINDS.get(value.get("kind"), "other"),
                (value.get("description") or "").strip(),
            )
            _, created = CentrePartner.objects.get_or_create(
                centre=centre,
                partner=partner,
                defaults={"when": (value.get("when") or "").strip()[:200], "sort_order": order},
            )
            order += created

    for activity in ActivityPage.objects.exclude(partner_name="").order_by("pk"):
        activity.partner = _organisation(PartnerOrganisation, activity.partner_name)
        activity.save(update_fields=["partner"])


def backwards(apps, schema_editor):
    CentrePage = apps.get_model("cms", "CentrePage")
    ActivityPage = apps.get_model("cms", "ActivityPage")
    CentrePartner = apps.get_model("cms", "CentrePartner")
    kinds = {new: old for old, new in KINDS.items()}

    for centre in CentrePage.objects.order_by("pk"):
        links = CentrePartner.objects.filter(centre=centre).select_related("partner")
        centre.partner_services = [
            (
                "service",
                {
                    "kind": kinds.get(link.partner.kind, "other"),
                    "name": link.partner.name,
                    "description": link.partner.description,
                    "when": link.when,
                },
            )
            for link in links.order_by("sort_order", "pk")
        ]
        centre.save(update_fields=["partner_services"])
    for activity in ActivityPage.objects.filter(partner__isnull=False).select_related("partner"):
        activity.partner_name = activity.partner.name
        activity.save(update_fields=["partner_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_partner_organisations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
