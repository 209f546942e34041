"""The one small block library used for narrative text. Facts live in model fields instead."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=80, help_text="A short heading for the highlighted note.")
    text = blocks.TextBlock(help_text="One or two sentences that deserve the reader's attention.")

    class Meta:
        icon = "info-circle"
        template = "blocks/callout_block.html"
        description = "A highlighted note, e.g. something to bring to the consultation."
        preview_value = {
            "heading": "Bring your questions",
            "text": "Write down what you would like to change; we will go through it together.",
        }


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(help_text="Describe the image in the alt text unless it is decorative.")
    caption = blocks.CharBlock(required=False, max_length=200, help_text="Optional, shown below.")

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        description = "A photo or illustration with an optional caption."


class NarrativeBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ul", "ol"],
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        description="Running text. Keep facts such as durations in the page's own fields.",
        preview_value="<p>Our approach starts with listening to what you would like to change.</p>",
    )
    image = CaptionedImageBlock()
    callout = CalloutBlock()
