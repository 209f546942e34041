"""Where procedure pages may live, and that editors can create them in the admin."""

from django.core.management import call_command
from django.urls import reverse
from wagtail.test.utils import WagtailPageTests
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from allure.site.models import HomePage
from procedures.models import ProcedureIndexPage, ProcedurePage
from tests.staff import SecondFactorLogin


def procedure_form_data(**changes):
    """What the admin's procedure form posts for a small but complete procedure."""
    return nested_form_data(
        {
            "title": "Microneedling",
            "slug": "microneedling",
            "category": "skin",
            "procedure_type": "PercutaneousProcedure",
            "summary": "Fine needles prompt the skin to renew itself.",
            "what_it_is": streamfield(
                [("paragraph", rich_text("<p>Tiny channels start repair.</p>"))]
            ),
            "how_it_works": streamfield([]),
            "technologies": inline_formset([{"name": "Microneedling pen", "description": ""}]),
            "conditions": inline_formset([{"name": "Acne scars"}]),
            "areas": inline_formset([{"name": "Face", "is_common": "on"}]),
            "treatments_min": 3,
            "treatments_max": 6,
            "treatments_note": "",
            "typical_treatment": streamfield([]),
            "duration_min_minutes": 30,
            "duration_max_minutes": 45,
            "duration_note": "",
            "comfort_note": "",
            "results_first_visible": "After a few weeks",
            "results": streamfield([]),
            "recovery_milestone": "of redness",
            "recovery_stages": inline_formset(
                [
                    {
                        "depth": "Typical",
                        "examples": "",
                        "anaesthesia": "Numbing cream",
                        "treatments": "A series",
                        "days_min": 1,
                        "days_max": 2,
                    }
                ],
                min=1,
            ),
            "recovery": streamfield([]),
            "sun_care": "Wear sunscreen.",
            "doctors_take": streamfield([]),
            "faqs": inline_formset([{"question": "Does it hurt?", "answer": "Barely."}]),
            "related_procedures": empty_inline(),
            **changes,
        }
    )


def empty_inline():
    return inline_formset([])


class ProcedurePageTypeRules(SecondFactorLogin, WagtailPageTests):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115

    def test_the_procedure_index_sits_under_home_only(self):
        self.assertAllowedParentPageTypes(ProcedureIndexPage, {HomePage})

    def test_procedures_live_in_the_procedure_index_only(self):
        self.assertAllowedParentPageTypes(ProcedurePage, {ProcedureIndexPage})
        self.assertCanCreateAt(ProcedureIndexPage, ProcedurePage)
        self.assertCanNotCreateAt(HomePage, ProcedurePage)

    def test_procedure_pages_have_no_children(self):
        self.assertAllowedSubpageTypes(ProcedurePage, {})

    def test_there_is_only_one_procedure_index(self):
        home = HomePage.objects.get()
        self.assertFalse(ProcedureIndexPage.can_create_at(home))

    def test_an_editor_can_create_a_procedure_page_in_the_admin(self):
        index = ProcedureIndexPage.objects.get()
        self.assertCanCreate(
            index,
            ProcedurePage,
            procedure_form_data(),
        )
        page = ProcedurePage.objects.get(slug="microneedling")
        self.assertEqual(page.recovery_stages.get().days_label, "1–2 days")
        self.assertEqual(page.faqs.count(), 1)

    def test_a_procedure_needs_at_least_one_recovery_stage(self):
        index = ProcedureIndexPage.objects.get()
        data = nested_form_data(
            {
                "title": "Nothing known",
                "slug": "nothing-known",
                "category": "skin",
                "procedure_type": "NoninvasiveProcedure",
                "summary": "x",
                "what_it_is": streamfield([("paragraph", rich_text("<p>x</p>"))]),
                "duration_min_minutes": 10,
                "results_first_visible": "Soon",
                "recovery_milestone": "healed",
                "treatments_min": 1,
                "recovery_stages": inline_formset([], min=1),
                **{
                    name: inline_formset([])
                    for name in ["technologies", "conditions", "areas", "faqs"]
                },
                "related_procedures": empty_inline(),
                **{
                    name: streamfield([])
                    for name in ["how_it_works", "typical_treatment", "results"]
                },
                "recovery": streamfield([]),
                "doctors_take": streamfield([]),
            }
        )
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=["procedures", "procedurepage", index.pk]),
            {**data, "action-publish": "action-publish"},
        )
        self.assertEqual(response.status_code, 200)  # the form is shown again, with the error
        self.assertTrue(response.context["form"].formsets["recovery_stages"].non_form_errors())
        self.assertFalse(ProcedurePage.objects.filter(slug="nothing-known").exists())

    def test_editors_can_edit_and_preview_a_procedure_with_its_inline_items(self):
        page = ProcedurePage.objects.get(slug="skin-resurfacing")
        data = procedure_form_data(title=page.title, slug=page.slug)
        self.assertPageIsEditable(page, post_data=data, user=self.user)
        self.login(self.user)  # the helper above signs out when it is done
        self.assertPageIsPreviewable(page, post_data=data, user=self.user)

    def test_the_preview_shows_unsaved_inline_changes(self):
        page = ProcedurePage.objects.get(slug="dermal-fillers")
        data = procedure_form_data(
            title="Dermal fillers",
            slug="dermal-fillers",
            faqs=inline_formset([{"question": "Unsaved question?", "answer": "Preview only."}]),
        )
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        self.assertEqual(self.client.post(preview_url, data).json()["is_valid"], True)
        self.assertContains(self.client.get(preview_url), "Unsaved question?")
        self.assertFalse(page.faqs.filter(question="Unsaved question?").exists())

    def test_a_new_procedure_can_be_previewed_before_it_is_saved(self):
        index = ProcedureIndexPage.objects.get()
        preview_url = reverse(
            "wagtailadmin_pages:preview_on_add", args=["procedures", "procedurepage", index.pk]
        )
        self.assertEqual(
            self.client.post(preview_url, procedure_form_data()).json()["is_valid"], True
        )
        response = self.client.get(preview_url)
        self.assertContains(response, "Microneedling")
        self.assertFalse(ProcedurePage.objects.filter(slug="microneedling").exists())
