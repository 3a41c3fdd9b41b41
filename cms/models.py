"""The portal's pages: home, the centres index, each centre and plain content pages.

Page models hold content, panels and parent/child rules; anything else lives in services."""

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from startwell.admin_forms import SingleLineModelForm, SingleLinePageForm
from startwell.limits import MOST_PENCE_PER_PLACE, MOST_PER_PLACE_TO_CHARGE

from .blocks import BodyBlock


class TranslatedPageQuerySet(PageQuerySet):
    def originals(self):
        """The pages in the site's default language (English): the ones sessions, ideas,
        champions and every other record point at. Their translations into other languages
        (made with wagtail-localize) are there to be read, and share their slugs."""
        return self.filter(
            locale__language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )


TranslatedPageManager = PageManager.from_queryset(TranslatedPageQuerySet)


def in_active_language(pages, *related: str) -> list:
    """Each page (in English) replaced by its published translation in the visitor's language
    where there is one, so a listing shows every centre, translated or not. No query in English,
    one in another language (`related` as for select_related)."""
    pages = list(pages)
    language = get_supported_content_language_variant(translation.get_language())
    if not pages or language == get_supported_content_language_variant(settings.LANGUAGE_CODE):
        return pages
    translations = {
        page.translation_key: page
        for page in type(pages[0])
        .objects.live()
        .filter(
            locale__language_code=language,
            translation_key__in=[page.translation_key for page in pages],
        )
        .select_related(*related)
    }
    return [translations.get(page.translation_key, page) for page in pages]


@register_snippet
class Footprint(models.Model):
    """One of the borough's neighbourhood areas; centres and their reach are counted by it."""

    base_form_class = SingleLineModelForm

    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


@register_snippet
class PartnerOrganisation(models.Model):
    """An organisation that works from Start Well centres: health visiting, school nursing, early
    help, a voluntary group… Kept once for the borough; centres list it, activities name it as
    the one that delivers them, and its staff may be invited to run its sessions."""

    base_form_class = SingleLineModelForm

    KIND_CHOICES = [
        ("health_visiting", _("Health visiting")),
        ("school_nursing", _("School nursing")),
        ("midwifery", _("Midwifery")),
        ("early_help", _("Early help")),
        ("youth_justice", _("Youth justice")),
        ("send", _("SEND support")),
        ("voluntary", _("Voluntary group")),
        ("adult_learning", _("Adult learning and employment")),
        ("other", _("Other service")),
    ]

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    description = models.TextField(blank=True, help_text="What they help with, in plain words")
    website = models.URLField(blank=True)
    email = models.EmailField("public e-mail", blank=True)
    phone = models.CharField("public phone", max_length=30, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")],
            heading="How families reach them",
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = "partner organisation"

    def __str__(self):
        return self.name


class HomePage(Page):
    base_form_class = SingleLinePageForm

    intro = models.TextField(help_text="A sentence or two introducing Start Well")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.CentreIndexPage", "cms.StandardPage", "cms.PrivacyNoticePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        centres = CentrePage.objects.live().originals().select_related("footprint")
        context["centres"] = in_active_language(centres.order_by("title"), "footprint")
        return context


class CentreIndexPage(Page):
    base_form_class = SingleLinePageForm

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CentrePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Every centre (the English ones, in the visitor's language where translated), whichever
        # language's index this is.
        centres = CentrePage.objects.live().originals().select_related("footprint")
        context["centres"] = in_active_language(centres.order_by("title"), "footprint")
        return context


class CentrePage(Page):
    """One Start Well family centre, run by a primary school."""

    base_form_class = SingleLinePageForm

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
    body = StreamField(BodyBlock(), blank=True)
    # One group per centre, shared by the centre's translations (its pages in other languages).
    manager_group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    champions_need_second_factor = models.BooleanField(
        "champions need a second factor",
        default=True,
        help_text=(
            "Parent champions must sign in with an authenticator app or a passkey before they "
            "open a register, add walk-ins, message families or edit sessions at this centre."
        ),
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
        InlinePanel("partners", heading="Partners working here", label="Partner organisation"),
        InlinePanel("venues", heading="Venues (anchor points)", label="Venue"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("champions_need_second_factor")], heading="Parent champions"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("school"),
        index.SearchField("summary"),
        index.SearchField("address"),
        index.SearchField("postcode"),
        index.RelatedFields("partners", [index.SearchField("partner_name")]),
        index.RelatedFields("venues", [index.SearchField("postcode")]),
        index.RelatedFields("footprint", [index.SearchField("name")]),
    ]

    parent_page_types = ["cms.CentreIndexPage"]

    objects = TranslatedPageManager()
    # A copy of a centre is a new centre, with managers of its own; a translation shares the
    # centre's (cms.signals.create_manager_group).
    exclude_fields_in_copy = ["manager_group"]
    subpage_types = ["cms.ActivityPage", "cms.StandardPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["venues"] = self.venues.all()
        context["partners"] = self.partners.select_related("partner")
        return context

    @property
    def opening_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_times.splitlines() if line.strip()]


class CentrePartner(Orderable):
    """A partner organisation working at a centre, and when families find them there."""

    centre = ParentalKey(CentrePage, on_delete=models.CASCADE, related_name="partners")
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="centre_links"
    )
    when = models.CharField(
        max_length=200, blank=True, help_text="When they are here, e.g. 'Tuesdays 9:30 to 12:00'"
    )

    # A plain list: a borough has a few dozen partners, and managers need no snippet permission.
    panels = [FieldPanel("partner", widget=forms.Select), FieldPanel("when")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["centre", "partner"], name="one_link_per_partner")
        ]

    def __str__(self):
        return f"{self.partner} at {self.centre.title}"

    @property
    def partner_name(self) -> str:
        return self.partner.name


class Venue(Orderable):
    """A place where the centre's sessions happen: its anchor points. Kept on the centre's page so
    that the centre's managers, and only they, look after them."""

    KIND_CHOICES = [
        ("school", _("School")),
        ("gp", _("GP practice")),
        ("church_hall", _("Church hall")),
        ("community_hub", _("Community hub")),
        ("library", _("Library")),
        ("outdoors", _("Outdoors")),
        ("other", _("Other")),
    ]

    centre = ParentalKey(CentrePage, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    address = models.TextField()
    postcode = models.CharField(max_length=10)
    access_notes = models.TextField(blank=True, help_text="Entrances, parking, step-free access")
    # For directories and maps (the Open Referral UK feed); empty when not known.
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("address"),
        FieldPanel("postcode"),
        FieldPanel("latitude"),
        FieldPanel("longitude"),
        FieldPanel("access_notes"),
    ]

    def __str__(self):
        return f"{self.name} ({self.centre.title})"


class ActivityPage(Page):
    """What happens at a centre (Stay & Play, baby massage…); its dated occurrences are
    `bookings.Session` rows."""

    base_form_class = SingleLinePageForm

    CATEGORY_CHOICES = [
        ("stay_and_play", _("Stay and play")),
        ("baby_toddler", _("Baby and toddler")),
        ("health_drop_in", _("Health drop-in")),
        ("parenting_course", _("Parenting course")),
        ("send_support", _("SEND support")),
        ("holiday_club", _("Holiday club")),
        ("antenatal", _("Antenatal")),
        ("adult_learning", _("Learning and wellbeing for adults")),
    ]
    DELIVERED_BY_CHOICES = [
        ("partner", _("A partner service")),
        ("champions", _("Parent champions")),
        ("centre", _("Centre staff")),
    ]
    PRICE_FREE = "free"
    PRICE_FIXED = "fixed"
    PRICE_PAY_WHAT_YOU_CAN = "pay_what_you_can"
    PRICE_MODEL_CHOICES = [
        (PRICE_FREE, _("Free")),
        (PRICE_FIXED, _("Fixed price")),
        (PRICE_PAY_WHAT_YOU_CAN, _("Pay what you can")),
    ]

    summary = models.TextField(help_text="One or two sentences shown in listings")
    body = StreamField(BodyBlock(), blank=True)
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    adults_only = models.BooleanField(
        default=False, help_text="Tick for sessions that adults book for themselves"
    )
    is_course = models.BooleanField(
        "booked as a course",
        default=False,
        help_text="Families book the whole run of sessions at once (a five-week baby massage "
        "course, say). Its price is for the whole course.",
    )
    min_age_months = models.PositiveSmallIntegerField(
        "youngest age (months)", null=True, blank=True, help_text="Leave empty for no lower limit"
    )
    max_age_months = models.PositiveSmallIntegerField(
        "oldest age (months)", null=True, blank=True, help_text="Leave empty for no upper limit"
    )
    delivered_by = models.CharField(max_length=20, choices=DELIVERED_BY_CHOICES)
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text="Who runs it, if a partner does",
    )
    price_model = models.CharField(max_length=20, choices=PRICE_MODEL_CHOICES, default=PRICE_FREE)
    # Money is kept in pence (GBP) so that sums are exact.
    price_pence = models.PositiveIntegerField(
        "price per place (pence)",
        null=True,
        blank=True,
        help_text="For a fixed price, in pence: 350 is £3.50",
    )
    suggested_pence = models.PositiveIntegerField(
        "suggested amount per place (pence)",
        null=True,
        blank=True,
        help_text="For pay what you can, in pence: 300 is £3.00",
    )
    minimum_pence = models.PositiveIntegerField(
        "minimum per place (pence)",
        null=True,
        blank=True,
        help_text="For pay what you can, in pence; 0 lets families pay nothing",
    )
    funded_places = models.PositiveSmallIntegerField(
        "funded places per session",
        default=0,
        help_text="Places families can claim free of charge by saying they need one; "
        "no proof is asked for",
    )
    access_notes = models.TextField(
        blank=True, help_text="What families should know: stairs, what to bring, quiet space…"
    )
    drop_off = models.BooleanField(
        "children are left with us",
        default=False,
        help_text="Tick when parents leave their children (a holiday club, say): booking then "
        "asks, for each child, an emergency contact, allergies and medical notes, and photo "
        "consent.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("adults_only"),
                FieldPanel("is_course"),
                FieldPanel("min_age_months"),
                FieldPanel("max_age_months"),
                FieldPanel("drop_off"),
            ],
            heading="Who it is for",
        ),
        MultiFieldPanel(
            [FieldPanel("delivered_by"), FieldPanel("partner", widget=forms.Select)],
            heading="Who runs it",
        ),
        MultiFieldPanel(
            [
                FieldPanel("price_model"),
                FieldPanel("price_pence"),
                FieldPanel("suggested_pence"),
                FieldPanel("minimum_pence"),
                FieldPanel("funded_places"),
            ],
            heading="What it costs",
        ),
        FieldPanel("access_notes"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("partner", [index.SearchField("name")]),
        # "WN5" finds what happens in that postcode district.
        index.SearchField("postcodes"),
        index.FilterField("category"),
    ]

    parent_page_types = ["cms.CentrePage"]

    objects = TranslatedPageManager()
    subpage_types = []

    class Meta:
        verbose_name = "activity"
        verbose_name_plural = "activities"

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if (
            self.min_age_months is not None
            and self.max_age_months is not None
            and self.min_age_months > self.max_age_months
        ):
            raise ValidationError(
                {"max_age_months": "The oldest age must not be below the youngest age."}
            )
        if self.delivered_by == "partner" and self.partner_id is None:
            raise ValidationError({"partner": "Choose the partner organisation that runs it."})
        if self.delivered_by != "partner" and self.partner_id is not None:
            raise ValidationError(
                {"partner": "Leave the partner empty unless a partner organisation runs it."}
            )
        price_problems = price_model_problems(
            self.price_model, self.price_pence, self.suggested_pence, self.minimum_pence
        )
        if price_problems:
            raise ValidationError(price_problems)

    @property
    def audience(self) -> str:
        """Who it is for, in words: 'Adults', 'Up to 12 months', '2 to 4 years'…"""
        if self.adults_only:
            return _("Adults")
        return describe_age_range(self.min_age_months, self.max_age_months)

    def postcodes(self) -> str:
        """The postcodes of the centre and its venues, for site search (when it is indexed)."""
        centre = CentrePage.objects.ancestor_of(self).first() if self.pk else None
        if centre is None:
            return ""
        venues = Venue.objects.filter(centre=centre).values_list("postcode", flat=True)
        return " ".join([centre.postcode, *venues])

    @property
    def delivered_by_name(self) -> str:
        """Who runs it, in words: the partner's name, or 'Parent champions', 'Centre staff'."""
        if self.delivered_by == "partner" and self.partner_id:
            return self.partner.name
        return self.get_delivered_by_display()


# Stripe takes no card payment below 30p in GBP.
SMALLEST_CARD_PAYMENT_PENCE = 30


def price_model_problems(model, price, suggested, minimum) -> dict[str, str]:
    """What is wrong with a price model's amounts, by field; shared by activities and sessions."""
    problems = {}
    for field, amount in (
        ("price_pence", price),
        ("suggested_pence", suggested),
        ("minimum_pence", minimum),
    ):
        if amount is not None and amount > MOST_PENCE_PER_PLACE:
            problems[field] = MOST_PER_PLACE_TO_CHARGE
    if problems:
        return problems
    if model == ActivityPage.PRICE_FIXED:
        if not price or price < SMALLEST_CARD_PAYMENT_PENCE:
            problems["price_pence"] = "Enter a price of at least 30p (30) for a fixed price."
    elif model == ActivityPage.PRICE_PAY_WHAT_YOU_CAN:
        if minimum is None:
            problems["minimum_pence"] = "Enter the least a family may pay (0 for nothing)."
        elif 0 < minimum < SMALLEST_CARD_PAYMENT_PENCE:
            problems["minimum_pence"] = "The minimum must be 0 or at least 30p (30)."
        if not suggested:
            problems["suggested_pence"] = "Enter the amount you suggest families pay."
        elif minimum is not None and suggested < minimum:
            problems["suggested_pence"] = "The suggested amount must not be below the minimum."
    return problems


def describe_months(months: int) -> str:
    if months >= 24 and months % 12 == 0:
        years = months // 12
        return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}
    return ngettext("%(months)d month", "%(months)d months", months) % {"months": months}


def describe_age_range(min_months: int | None, max_months: int | None) -> str:
    if min_months is None and max_months is None:
        return gettext("All ages")
    if min_months is None:
        return gettext("Up to {age}").format(age=describe_months(max_months))
    if max_months is None:
        return gettext("From {age}").format(age=describe_months(min_months))
    return gettext("{youngest} to {oldest}").format(
        youngest=describe_months(min_months), oldest=describe_months(max_months)
    )


class StandardPage(Page):
    base_form_class = SingleLinePageForm

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.CentrePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]


class PrivacyNoticePage(Page):
    """The privacy notice: the borough's own words, edited in the admin, followed by the
    retention schedule, which the template renders from the settings the schedule enforces."""

    base_form_class = SingleLinePageForm

    intro = models.TextField(help_text="A sentence or two on who we are and why we hold data")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1
