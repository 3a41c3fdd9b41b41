"""The portal's pages: home, the centres index, each centre and plain content pages.

Page models hold content, panels and parent/child rules; anything else lives in services."""

from django.contrib.auth.models import Group
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import BodyBlock, PartnerServicesBlock


@register_snippet
class Footprint(models.Model):
    """One of the borough's neighbourhood areas; centres and their reach are counted by it."""

    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class HomePage(Page):
    intro = models.TextField(help_text="A sentence or two introducing Start Well")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.CentreIndexPage", "cms.StandardPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["centres"] = CentrePage.objects.live().select_related("footprint").order_by("title")
        return context


class CentreIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CentrePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["centres"] = (
            CentrePage.objects.child_of(self).live().select_related("footprint").order_by("title")
        )
        return context


class CentrePage(Page):
    """One Start Well family centre, run by a primary school."""

    school = models.CharField("run by", max_length=150, help_text="The school that runs the centre")
    footprint = models.ForeignKey(
        Footprint, on_delete=models.PROTECT, related_name="centres", help_text="Neighbourhood"
    )
    summary = models.TextField(blank=True, help_text="One or two sentences for listings")
    address = models.TextField()
    postcode = models.CharField(max_length=10)
    opening_times = models.TextField(help_text="One line per day, e.g. 'Monday: 9:00 to 16:00'")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    accessibility = models.TextField(
        "accessibility information",
        help_text="Step-free access, toilets, parking, buggy storage, quiet space…",
    )
    partner_services = StreamField(PartnerServicesBlock(), blank=True)
    body = StreamField(BodyBlock(), blank=True)
    manager_group = models.OneToOneField(
        Group, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("school"), FieldPanel("footprint"), FieldPanel("summary")],
            heading="About the centre",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("postcode"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("opening_times"),
            ],
            heading="Finding and contacting the centre",
        ),
        FieldPanel("accessibility"),
        FieldPanel("partner_services"),
        InlinePanel("venues", heading="Venues (anchor points)", label="Venue"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("school"),
        index.SearchField("summary"),
        index.SearchField("address"),
        index.SearchField("postcode"),
        index.SearchField("partner_services"),
        index.RelatedFields("footprint", [index.SearchField("name")]),
    ]

    parent_page_types = ["cms.CentreIndexPage"]
    subpage_types = ["cms.StandardPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["venues"] = self.venues.all()
        return context

    @property
    def opening_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_times.splitlines() if line.strip()]


class Venue(Orderable):
    """A place where the centre's sessions happen: its anchor points. Kept on the centre's page so
    that the centre's managers, and only they, look after them."""

    KIND_CHOICES = [
        ("school", "School"),
        ("gp", "GP practice"),
        ("church_hall", "Church hall"),
        ("community_hub", "Community hub"),
        ("library", "Library"),
        ("outdoors", "Outdoors"),
        ("other", "Other"),
    ]

    centre = ParentalKey(CentrePage, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    address = models.TextField()
    postcode = models.CharField(max_length=10)
    access_notes = models.TextField(blank=True, help_text="Entrances, parking, step-free access")

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("address"),
        FieldPanel("postcode"),
        FieldPanel("access_notes"),
    ]

    def __str__(self):
        return f"{self.name} ({self.centre.title})"


class StandardPage(Page):
    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.CentrePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
