"""Where the site-wide pages may live, and that editors can build the tree in the admin."""

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTests
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from allure.site.models import ContactPage, DoctorPage, HomePage, StandardPage
from procedures.models import ProcedureIndexPage, ProcedurePage
from tests.staff import SecondFactorLogin


def narrative(text="<p>Words.</p>"):
    return streamfield([("paragraph", rich_text(text))])


class PageTypeRules(SecondFactorLogin, WagtailPageTests):
    def test_home_is_the_root_of_the_site(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage,
            {StandardPage, ContactPage, DoctorPage, ProcedureIndexPage},
        )

    def test_contact_and_doctor_pages_sit_under_home_and_have_no_children(self):
        for model in (ContactPage, DoctorPage):
            self.assertAllowedParentPageTypes(model, {HomePage})
            self.assertAllowedSubpageTypes(model, {})

    def test_standard_pages_nest_under_home_or_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertCanNotCreateAt(StandardPage, ProcedurePage)

    def create_home_in_admin(self):
        root = Page.get_first_root_node()
        self.assertCanCreate(
            root,
            HomePage,
            nested_form_data(
                {
                    "title": "Allure",
                    "slug": "allure-home",
                    "hero_heading": "Natural results",
                    "hero_text": "",
                    "featured_heading": "Popular",
                    "featured_procedures": inline_formset([]),
                }
            ),
        )
        return HomePage.objects.get()

    def test_an_editor_can_build_every_page_type_in_the_admin(self):
        home = self.create_home_in_admin()
        self.assertCanCreate(
            home,
            StandardPage,
            nested_form_data({"title": "Privacy", "intro": "", "body": narrative()}),
        )
        self.assertCanCreate(
            home,
            ContactPage,
            nested_form_data({"title": "Contact", "intro": "", "directions": "Off I-55."}),
        )
        self.assertCanCreate(
            home,
            DoctorPage,
            nested_form_data(
                {
                    "title": "Dr. Walker",
                    "credentials": inline_formset([{"text": "Plastic surgery training"}]),
                    "philosophy": narrative(),
                }
            ),
        )
        self.assertCanCreate(
            home,
            ProcedureIndexPage,
            nested_form_data({"title": "Procedures", "intro": ""}),
        )
        credential = DoctorPage.objects.get().credentials.get()
        self.assertEqual(credential.text, "Plastic surgery training")

    def test_there_is_one_home_and_one_contact_page(self):
        self.assertEqual(HomePage.max_count, 1)
        self.assertEqual(ContactPage.max_count, 1)

    def test_every_page_type_can_be_previewed_while_being_created(self):
        home = self.create_home_in_admin()
        drafts = {
            DoctorPage: {
                "title": "Dr. Draft",
                "slug": "dr-draft",
                "credentials": inline_formset([]),
                "philosophy": narrative(),
            },
            StandardPage: {"title": "Draft", "slug": "draft", "intro": "", "body": narrative()},
        }
        for model, data in drafts.items():
            url = reverse(
                "wagtailadmin_pages:preview_on_add",
                args=[model._meta.app_label, model._meta.model_name, home.pk],
            )
            self.assertTrue(self.client.post(url, nested_form_data(data)).json()["is_valid"])
            self.assertContains(self.client.get(url), data["title"])
