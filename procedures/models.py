"""Procedure content: the index of treatments and one page per procedure."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class ProcedureCategory(models.TextChoices):
    SKIN = "skin", "Skin"
    FACE = "face", "Face"
    BODY = "body", "Body"
    INJECTABLES = "injectables", "Injectables"


class ProcedureIndexPage(Page):
    parent_page_types = ["allure.HomePage"]
    subpage_types = ["procedures.ProcedurePage"]
    max_count = 1


class ProcedurePage(Page):
    category = models.CharField(
        max_length=20,
        choices=ProcedureCategory.choices,
        help_text="Groups the procedure on the procedures page.",
    )
    summary = models.CharField(
        max_length=300, help_text="One or two sentences shown in listings and search results."
    )

    content_panels = [*Page.content_panels, FieldPanel("category"), FieldPanel("summary")]
    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []
