"""StreamField blocks for the portal's pages: one body block set."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


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
