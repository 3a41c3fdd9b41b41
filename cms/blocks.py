"""StreamField blocks for the portal's pages: one body block set, and the partner services a
centre hosts."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock

PARTNER_SERVICE_KINDS = [
    ("health_visitors", "Health visitors"),
    ("school_nurses", "School nurses"),
    ("midwives", "Midwives"),
    ("early_help", "Early help"),
    ("youth_justice", "Youth justice"),
    ("send", "SEND support"),
    ("voluntary", "Voluntary group"),
    ("adult_learning", "Adult learning and employment"),
    ("other", "Other service"),
]


class PartnerServiceValue(blocks.StructValue):
    def kind_label(self) -> str:
        return dict(PARTNER_SERVICE_KINDS).get(self.get("kind"), "")


class PartnerServiceBlock(blocks.StructBlock):
    """A service that works from the centre, and how families reach it."""

    kind = blocks.ChoiceBlock(choices=PARTNER_SERVICE_KINDS, label="Type of service")
    name = blocks.CharBlock(max_length=120, help_text="For example: Northside Health Visiting Team")
    description = blocks.TextBlock(required=False, help_text="What they help with, in plain words")
    when = blocks.CharBlock(
        required=False, max_length=200, help_text="When they are here, e.g. 'Tuesdays 9:30–12:00'"
    )

    class Meta:
        icon = "group"
        value_class = PartnerServiceValue
        template = "cms/blocks/partner_service.html"


class PartnerServicesBlock(blocks.StreamBlock):
    service = PartnerServiceBlock()


class BodyBlock(blocks.StreamBlock):
    """The one block set used for free-form page bodies."""

    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock(required=False)
    call_to_action = blocks.StructBlock(
        [
            ("text", blocks.CharBlock(max_length=80)),
            ("page", blocks.PageChooserBlock(required=False)),
            ("url", blocks.URLBlock(required=False)),
        ],
        icon="link",
        template="cms/blocks/call_to_action.html",
    )
