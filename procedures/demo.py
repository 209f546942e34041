"""The demo procedures and testimonials: facts as fields, prose written for this site.

Skin resurfacing carries every fact of the clinic's current page (shared/seed); the others
are realistic outlines an editor would refine with Dr. Walker. `load` builds them under the
page and with the doctor that the top-floor loader hands over; `clinicians` makes the
clinic's three clinicians first.
"""

import datetime as dt
import functools

from django.core.files.base import ContentFile
from django.utils import timezone

from allure.base import demo_images
from allure.base.demo import narrative, publish
from procedures import services
from procedures.clinicians import Clinician
from procedures.gallery import ConsentRecord, ConsentStatus, ResultPair, ResultPairAngle
from procedures.models import (
    ProcedureCategory,
    ProcedureCondition,
    ProcedureFAQ,
    ProcedureIndexPage,
    ProcedurePage,
    ProcedureTechnology,
    ProcedureType,
    RecoveryStage,
    RelatedProcedure,
    ResultsGalleryPage,
    Testimonial,
    TreatmentArea,
    TreatmentPlannerPage,
)
from procedures.planner import Concern

# Dr. Walker checked every demo page's medical facts on this day...
REVIEWED_ON = dt.date(2026, 11, 3)
# ...and the clinic set every demo price range (typical of Jackson, MS in 2026) on this one.
PRICES_SET_ON = dt.date(2026, 11, 2)


def stages(*rows) -> list[RecoveryStage]:
    return [
        RecoveryStage(
            depth=depth,
            examples=examples,
            anaesthesia=anaesthesia,
            treatments=treatments,
            days_min=low,
            days_max=high,
        )
        for depth, examples, anaesthesia, treatments, low, high in rows
    ]


# How an editor would map the demo conditions to the treatment planner's concerns.
PLANNER_CONCERNS = {
    "Fine lines to deeper wrinkles": Concern.FINE_LINES,
    "Scars": Concern.SCARS,
    "Aged or sun-damaged skin": Concern.SUN_SPOTS,
    "Liver spots": Concern.SUN_SPOTS,
    "Dull complexion": Concern.DULL_SKIN,
    "Irregular pigmentation": Concern.SUN_SPOTS,
    "Poor skin tone and texture": Concern.DULL_SKIN,
    "Jowls": Concern.LOOSE_SKIN,
    "Deep folds from nose to mouth": Concern.DEEP_WRINKLES,
    "Loose facial skin": Concern.LOOSE_SKIN,
    "Loose neck skin": Concern.LOOSE_SKIN,
    "Hollow cheeks": Concern.LOST_VOLUME,
    "Thin lips": Concern.LOST_VOLUME,
    "Smile lines": Concern.DEEP_WRINKLES,
    "Dull skin": Concern.DULL_SKIN,
    "Uneven tone": Concern.DULL_SKIN,
    "Fine lines": Concern.FINE_LINES,
    "Mild acne scars": Concern.SCARS,
    "Sun spots": Concern.SUN_SPOTS,
    "Redness and small veins": Concern.REDNESS,
    "Heavy upper lids": Concern.TIRED_EYES,
    "Under-eye bags": Concern.TIRED_EYES,
}


def conditions(*names):
    return [ProcedureCondition(name=name, concern=PLANNER_CONCERNS.get(name, "")) for name in names]


def areas(common, other=()):
    return [TreatmentArea(name=n, is_common=True) for n in common] + [
        TreatmentArea(name=n) for n in other
    ]


def technologies(*pairs):
    return [ProcedureTechnology(name=name, description=text) for name, text in pairs]


def faqs(*pairs):
    return [ProcedureFAQ(question=q, answer=a) for q, a in pairs]


def procedures() -> list[dict]:
    """Fresh field values and unsaved inline items on every call."""
    skin_resurfacing = {
        "title": "Skin resurfacing",
        "slug": "skin-resurfacing",
        "category": ProcedureCategory.SKIN,
        "procedure_type": ProcedureType.NONINVASIVE,
        "summary": (
            "Laser treatment without surgery that lifts away tired, sun-worn skin and prompts "
            "your skin to build fresh collagen, for smoother texture and a more even tone."
        ),
        "search_description": (
            "Laser skin resurfacing in Jackson, MS with Dr. Walker: Erbium:YAG and CO2 lasers, "
            "full-field or fractional, recovery from 2–3 days. Book a consultation."
        ),
        "palette": "rose",
        "what_it_is": narrative(
            "Skin resurfacing is a non-surgical laser treatment for skin that has lost its "
            "smoothness and clarity. The laser gently removes the outermost, damaged layer of "
            "skin and, at the same time, wakes up the deeper layers so they produce new collagen "
            "and remodel the collagen already there.",
            "We use two kinds of laser, Erbium:YAG and CO2, and treat in one of two ways: "
            "full-field, where the whole surface of the area is treated, or fractional, where "
            "only a fraction of the skin is treated so it heals faster.",
        ),
        "technologies": technologies(
            ("Erbium:YAG laser", "Precise laser light that removes very thin layers of skin."),
            ("CO2 laser", "A stronger laser for deeper correction of wrinkles and scars."),
            ("Full-field resurfacing", "Treats 100% of the skin's surface in the chosen area."),
            (
                "Fractional resurfacing",
                "Treats a fraction of the skin in a fine pattern; the untouched skin in between "
                "means a quicker recovery.",
            ),
        ),
        "how_it_works": narrative(
            "Dr. Walker decides how deep the laser goes. That depth depends on the condition of "
            "your skin, the result you hope for and how much downtime you are comfortable with.",
            "The treated surface grows back with fresh, healthy cells, so skin looks younger and "
            "rested. Underneath, the laser's warmth stimulates new collagen, which makes the "
            "skin thicker and more resilient over the following months.",
        ),
        "conditions": conditions(
            "Fine lines to deeper wrinkles",
            "Scars",
            "Aged or sun-damaged skin",
            "Liver spots",
            "Dull complexion",
            "Irregular pigmentation",
            "Poor skin tone and texture",
        ),
        "areas": areas(["Face", "Neck"], ["Chest", "Hands"]),
        "treatments_min": 1,
        "treatments_max": None,
        "treatments_note": (
            "A single treatment can give an excellent result, but the number varies from one "
            "patient to the next. Lighter peels, such as a nanolaser peel or a microlaser peel, "
            "are done as a series, while a deeper resurfacing usually needs only one treatment. "
            "How much downtime you can accept helps decide the depth, and so the number."
        ),
        "typical_treatment": narrative(
            "We cleanse the skin of the area being treated and protect your eyes with safety "
            "shields. The laser handpiece is held just above your skin while a computer-guided "
            "scanner moves the beam evenly across the area."
        ),
        "duration_min_minutes": 15,
        "duration_max_minutes": 30,
        "duration_note": "It depends on the size of the area; deeper treatments can take longer.",
        "comfort_note": (
            "How it feels differs from person to person and depends mostly on depth. Shallow "
            "treatments are usually comfortable with a topical anaesthetic cream; deeper ones may "
            "need a local anaesthetic injected under the skin."
        ),
        "results_first_visible": "About a week, when makeup can go on",
        "results_develop_months_min": 4,
        "results_develop_months_max": 6,
        "results": narrative(
            "Once the new surface has grown back, after about a week, you can cover it with "
            "makeup and you will already notice smoother texture, a more even tone and softer "
            "wrinkles.",
            "Deeper treatments keep working: new collagen forms over the next 4 to 6 months, and "
            "skin can become steadily firmer and more resilient during that time.",
        ),
        "recovery_milestone": "before makeup can be applied",
        "recovery_stages": stages(
            (
                "Shallow",
                "nanolaser or microlaser peel",
                "Topical anaesthetic cream",
                "Usually a series",
                2,
                3,
            ),
            (
                "Medium or fractional",
                "medium-depth peel or fractional laser",
                "Topical anaesthetic; local if needed",
                "One or a few",
                4,
                7,
            ),
            (
                "Deep",
                "full-field resurfacing",
                "Local anaesthetic under the skin",
                "Usually a single treatment",
                7,
                10,
            ),
        ),
        "recovery": narrative(
            "Straight afterwards the skin is red and feels much like a sunburn, and the treated "
            "area may swell a little. How long healing takes depends above all on the depth of "
            "the treatment.",
            "You go home with aftercare instructions written for your depth of treatment. They "
            "may include pain relief and an ointment that keeps the skin moist while it heals, "
            "and we recommend the skin care products that suit your new skin.",
        ),
        "sun_care": (
            "Newly treated skin is sensitive to ultraviolet light: stay out of direct sun until "
            "you have fully healed. After that, wear sun protection every day to guard your "
            "result against new sun damage and premature aging."
        ),
        "price_from": 1500,
        "price_to": 4000,
        "price_includes": (
            "One treatment of the face, numbing cream, aftercare and a follow-up visit."
        ),
        "price_depends_on": (
            "The laser and depth; treating the neck, chest or hands as well adds to it."
        ),
        "doctors_take": narrative(
            "Many people who ask me about facial rejuvenation are really bothered by their skin: "
            "it has lost its quality and its glow. A good skin care routine at home helps over "
            "time, but it cannot match what laser resurfacing does, and how quickly. Resurfacing "
            "corrects signs of aging and gives a sound foundation that you then keep up with good "
            "skin care and lighter treatments such as chemical peels or Forever Young BBL.",
            "The real craft is fitting the treatment to the person. I weigh two things: how much "
            "correction your skin needs and how much downtime you can take. With those settled, "
            "I can plan a treatment that is right for you.",
            "Resurfacing also works hand in hand with surgery. A face or neck lift corrects what "
            "gravity has done and dermal fillers restore lost volume; laser resurfacing then adds "
            "the “wow” that can take results beyond what patients expected.",
        ),
        "faqs": faqs(
            (
                "Is laser skin resurfacing surgery?",
                "No. It is a non-surgical treatment: the laser works on the skin's surface and the "
                "layers just beneath it, with no incisions.",
            ),
            (
                "When can I wear makeup again?",
                "After about a week for most treatments. Shallow peels heal in 2–3 days, medium or "
                "fractional treatments in 4–7 days, and deep treatments in 7–10 days.",
            ),
            (
                "How long does a treatment take?",
                "Usually 15 to 30 minutes, depending on the size of the area; deeper treatments "
                "may take longer.",
            ),
        ),
        "related": ["facelift", "neck-lift", "dermal-fillers", "chemical-peel", "bbl-photofacial"],
    }

    other_procedures = [
        {
            "title": "Facelift",
            "slug": "facelift",
            "category": ProcedureCategory.FACE,
            "procedure_type": ProcedureType.SURGICAL,
            "summary": (
                "Surgery that lifts and firms sagging skin and tissue of the lower face and jaw, "
                "for a refreshed look that still looks like you."
            ),
            "palette": "sand",
            "what_it_is": narrative(
                "A facelift repositions the deeper tissues of the lower face and removes excess "
                "skin, softening jowls and deep folds caused by gravity and time."
            ),
            "technologies": technologies(
                ("Deep-plane or SMAS lift", "The supporting layer under the skin is lifted too."),
            ),
            "how_it_works": narrative(
                "Discreet incisions around the ears let Dr. Walker lift the underlying tissue "
                "into a younger position before the skin is gently redraped."
            ),
            "conditions": conditions("Jowls", "Deep folds from nose to mouth", "Loose facial skin"),
            "areas": areas(["Lower face", "Jawline"]),
            "treatments_min": 1,
            "treatments_max": 1,
            "treatments_note": "A single operation; results last for many years.",
            "typical_treatment": narrative(
                "The operation takes place in an accredited surgical facility under anaesthesia, "
                "and you go home the same day or after one night."
            ),
            "duration_min_minutes": 120,
            "duration_max_minutes": 240,
            "comfort_note": "Discomfort afterwards is usually mild and eased with pain relief.",
            "results_first_visible": "Once swelling settles, after 2–3 weeks",
            "results_develop_months_min": 3,
            "results_develop_months_max": 6,
            "recovery_milestone": "before returning to social activities",
            "recovery_stages": stages(
                ("Typical recovery", "", "General anaesthesia or sedation", "One", 10, 14)
            ),
            "recovery": narrative(
                "Expect swelling and bruising for the first two weeks. Most patients return to "
                "desk work after about two weeks and to exercise after four to six."
            ),
            "sun_care": "Protect healing scars from the sun for a year so they fade well.",
            "price_from": 9000,
            "price_to": 16000,
            "price_includes": (
                "Surgeon's fee, operating room, anaesthesia and every follow-up visit."
            ),
            "price_depends_on": (
                "How much lifting is needed, and whether a neck or eyelid lift is done with it."
            ),
            "related": ["neck-lift", "skin-resurfacing", "eyelid-surgery"],
        },
        {
            "title": "Neck lift",
            "slug": "neck-lift",
            "category": ProcedureCategory.FACE,
            "procedure_type": ProcedureType.SURGICAL,
            "summary": (
                "Tightens loose neck skin and muscle bands for a smoother, more defined "
                "neck and jawline."
            ),
            "palette": "clay",
            "what_it_is": narrative(
                "A neck lift treats loose skin, visible muscle bands and fullness under the chin. "
                "It is often combined with a facelift."
            ),
            "conditions": conditions("Loose neck skin", "Neck bands", "Fullness under the chin"),
            "areas": areas(["Neck", "Under the chin"]),
            "treatments_min": 1,
            "treatments_max": 1,
            "typical_treatment": narrative(
                "Small incisions under the chin and behind the ears allow the muscle to be "
                "tightened and excess skin removed."
            ),
            "duration_min_minutes": 90,
            "duration_max_minutes": 180,
            "results_first_visible": "After 2–3 weeks, as swelling eases",
            "results_develop_months_min": 3,
            "results_develop_months_max": 6,
            "recovery_milestone": "before returning to social activities",
            "recovery_stages": stages(
                ("Typical recovery", "", "General anaesthesia or sedation", "One", 7, 14)
            ),
            "recovery": narrative("A supportive garment helps for the first week or so."),
            "sun_care": "Keep scars covered or protected with sunscreen while they mature.",
            "price_from": 5500,
            "price_to": 9500,
            "price_includes": (
                "Surgeon's fee, operating room, anaesthesia and every follow-up visit."
            ),
            "price_depends_on": (
                "How much skin and muscle is tightened; less when done together with a facelift."
            ),
            "related": ["facelift", "skin-resurfacing"],
        },
        {
            "title": "Dermal fillers",
            "slug": "dermal-fillers",
            "category": ProcedureCategory.INJECTABLES,
            "procedure_type": ProcedureType.PERCUTANEOUS,
            "summary": (
                "Gentle injections that restore lost volume to cheeks, lips and folds, with "
                "results you see the same day."
            ),
            "palette": "dusk",
            "what_it_is": narrative(
                "Dermal fillers are soft gels, most often hyaluronic acid, placed beneath the "
                "skin to restore volume that fades with age."
            ),
            "technologies": technologies(
                ("Hyaluronic acid fillers", "Similar to a substance the skin makes itself."),
            ),
            "conditions": conditions("Hollow cheeks", "Thin lips", "Smile lines"),
            "areas": areas(["Cheeks", "Lips"], ["Under-eye hollows", "Jawline"]),
            "treatments_min": 1,
            "treatments_max": 1,
            "treatments_note": "One session, with occasional top-ups to maintain the result.",
            "typical_treatment": narrative(
                "After a numbing cream, fine injections place the filler exactly where it is "
                "needed. You can usually return to your day straight away."
            ),
            "duration_min_minutes": 15,
            "duration_max_minutes": 45,
            "results_first_visible": "Right away",
            "recovery_milestone": "of mild swelling or bruising",
            "recovery_stages": stages(("Typical", "", "Numbing cream", "One", 0, 2)),
            "sun_care": "Avoid strong sun and heat for a day or two while swelling settles.",
            "price_from": 650,
            "price_to": 1200,
            "price_includes": (
                "One syringe of filler, numbing cream and a check-up two weeks later."
            ),
            "price_depends_on": (
                "Priced per syringe: the filler chosen, and how many syringes the areas need."
            ),
            "related": ["skin-resurfacing", "bbl-photofacial"],
        },
        {
            "title": "Chemical peel",
            "slug": "chemical-peel",
            "category": ProcedureCategory.SKIN,
            "procedure_type": ProcedureType.NONINVASIVE,
            "summary": (
                "A carefully chosen solution that renews the skin's surface, brightening "
                "dull skin and evening out tone."
            ),
            "palette": "sand",
            "what_it_is": narrative(
                "A chemical peel uses a solution applied to the skin to loosen and lift away the "
                "outer layer, revealing fresher skin beneath."
            ),
            "conditions": conditions("Dull skin", "Uneven tone", "Fine lines", "Mild acne scars"),
            "areas": areas(["Face"], ["Neck", "Chest", "Hands"]),
            "treatments_min": 3,
            "treatments_max": 6,
            "treatments_note": "Light peels work best as a series a few weeks apart.",
            "typical_treatment": narrative(
                "The skin is cleansed, the peel applied for a few minutes and then neutralised "
                "or removed. A warm tingling is normal."
            ),
            "duration_min_minutes": 20,
            "duration_max_minutes": 40,
            "results_first_visible": "Once peeling ends, after a few days",
            "recovery_milestone": "of flaking or peeling",
            "recovery_stages": stages(
                ("Light", "", "None needed", "A series", 1, 3),
                ("Medium", "", "Cooling fan; mild pain relief", "One or two", 5, 7),
            ),
            "sun_care": "Daily broad-spectrum sunscreen keeps the new skin even and healthy.",
            "price_from": 150,
            "price_to": 600,
            "price_includes": "One peel and the aftercare products for the days after.",
            "price_depends_on": "The depth: a light peel costs least; a series is priced per peel.",
            "related": ["skin-resurfacing", "bbl-photofacial"],
        },
        {
            "title": "BBL photofacial",
            "slug": "bbl-photofacial",
            "category": ProcedureCategory.SKIN,
            "procedure_type": ProcedureType.NONINVASIVE,
            "summary": (
                "BroadBand Light fades sun spots and redness and keeps skin looking younger "
                "with little or no downtime."
            ),
            "palette": "rose",
            "what_it_is": narrative(
                "BBL (BroadBand Light) is a light-based treatment, sometimes called Forever Young "
                "BBL, that targets brown spots and redness and helps skin behave younger."
            ),
            "technologies": technologies(
                ("BroadBand Light (BBL)", "Filtered pulses of light, not a laser."),
            ),
            "conditions": conditions("Sun spots", "Redness and small veins", "Uneven tone"),
            "areas": areas(["Face"], ["Neck", "Chest", "Hands", "Arms"]),
            "treatments_min": 3,
            "treatments_max": 5,
            "treatments_note": (
                "A series a month apart, then one or two maintenance sessions a year."
            ),
            "typical_treatment": narrative(
                "A cool gel is applied and short flashes of light pass over the skin. Most "
                "patients describe a warm snap, like a rubber band."
            ),
            "duration_min_minutes": 20,
            "duration_max_minutes": 30,
            "results_first_visible": "About a week, as spots darken and flake away",
            "recovery_milestone": "of light redness",
            "recovery_stages": stages(("Typical", "", "None usually needed", "A series", 0, 2)),
            "sun_care": "Avoid tanning for a few weeks before and after each session.",
            "price_from": 350,
            "price_to": 700,
            "price_includes": "One session for the face, with cooling and sunscreen after.",
            "price_depends_on": (
                "Priced per session: the neck, chest or hands cost more than the face alone."
            ),
            "related": ["skin-resurfacing", "chemical-peel", "dermal-fillers"],
        },
        {
            "title": "Eyelid surgery",
            "slug": "eyelid-surgery",
            "category": ProcedureCategory.FACE,
            "procedure_type": ProcedureType.SURGICAL,
            "summary": (
                "Blepharoplasty removes heavy skin and puffiness around the eyes for a more "
                "rested, open look."
            ),
            "palette": "sage",
            "what_it_is": narrative(
                "Eyelid surgery (blepharoplasty) removes excess skin and, where needed, fat from "
                "the upper or lower eyelids."
            ),
            "conditions": conditions("Heavy upper lids", "Under-eye bags", "Tired appearance"),
            "areas": areas(["Upper eyelids", "Lower eyelids"]),
            "treatments_min": 1,
            "treatments_max": 1,
            "typical_treatment": narrative(
                "Incisions follow the natural creases of the eyelid so scars are hard to see."
            ),
            "duration_min_minutes": 60,
            "duration_max_minutes": 120,
            "results_first_visible": "After 1–2 weeks",
            "results_develop_months_min": 2,
            "results_develop_months_max": 3,
            "recovery_milestone": "before most bruising has faded",
            "recovery_stages": stages(
                ("Typical recovery", "", "Local anaesthetic with sedation", "One", 7, 14)
            ),
            "sun_care": "Sunglasses and sunscreen protect the healing eyelids.",
            "price_from": 3500,
            "price_to": 7000,
            "price_includes": (
                "Surgeon's fee, local anaesthetic with sedation and every follow-up visit."
            ),
            "price_depends_on": (
                "Upper or lower lids, or both, and whether fat is removed or moved."
            ),
            "related": ["facelift", "skin-resurfacing"],
        },
    ]
    return [skin_resurfacing, *other_procedures]


TESTIMONIALS = [
    {
        "patient_name": "Pam",
        "town": "Wesson, MS",
        "quote": (
            "It all went better than I had dared to hope. The result is wonderful and I "
            "still look like me. I would recommend Dr. Walker to anyone, and I'll keep coming "
            "back to him."
        ),
        "procedures": ["skin-resurfacing"],
    },
    {
        "patient_name": "Denise R.",
        "town": "Brandon, MS",
        "quote": (
            "Everyone at the clinic made me feel at ease. My friends say I look rested, and "
            "nobody can tell exactly why."
        ),
        "procedures": ["facelift", "neck-lift"],
    },
    {
        "patient_name": "Carla",
        "town": "Madison, MS",
        "quote": (
            "Dr. Walker explained every option and never pushed. The sun spots on my cheeks "
            "are gone after three sessions."
        ),
        "procedures": ["bbl-photofacial", "skin-resurfacing"],
    },
    {
        "patient_name": "Angela T.",
        "town": "Clinton, MS",
        "quote": "Subtle, natural and quick. I was back at work the same afternoon.",
        "procedures": ["dermal-fillers"],
    },
]


# name, letters, role, the procedures they perform by slug ("category:x" for a whole group).
CLINICIANS = [
    (
        "Dr. Walker",
        "M.D.",
        "Board-certified plastic surgeon",
        "Founder of Allure Plastics, Dr. Walker combines surgery, lasers and injectables to "
        "refresh faces without changing who they belong to.",
        ["category:face", "category:body", "skin-resurfacing"],
    ),
    (
        "Jessica Moore",
        "R.N.",
        "Nurse injector",
        "A registered nurse who plans fillers and wrinkle relaxers with a light hand.",
        ["category:injectables"],
    ),
    (
        "Maya Reed",
        "",
        "Licensed aesthetician",
        "Looks after peels and light treatments, and the skin care around them.",
        ["chemical-peel", "bbl-photofacial"],
    ),
]
DOCTOR = CLINICIANS[0][0]


def clinicians() -> dict[str, Clinician]:
    """The clinic's three clinicians, by name (their procedures come with `load`)."""
    by_name = {}
    for order, (name, letters, role, bio, _) in enumerate(CLINICIANS):
        clinician = Clinician.objects.filter(name=name).first()
        if clinician is None:
            clinician = Clinician(name=name, letters=letters, role=role, bio=bio, sort_order=order)
            if name == DOCTOR:
                clinician.photo = demo_images.demo_image(
                    "Dr. Walker portrait",
                    "Illustrated portrait of Dr. Walker (placeholder drawing)",
                    demo_images.portrait,
                )
            clinician.save()
        by_name[name] = clinician
    return by_name


def load(*, home, doctor) -> dict[str, ProcedurePage]:
    """The procedure index under `home`, every procedure (with `doctor`'s take and medical
    review) with its related procedures, who performs each, and the testimonials. Returns
    the procedures by slug."""
    index = publish(
        home,
        ProcedureIndexPage(
            title="Procedures",
            slug="procedures",
            show_in_menus=True,
            intro=(
                "Treatments for skin, face and body, each explained plainly: what it "
                "does, how it feels and how long recovery takes."
            ),
        ),
    )
    by_slug = _procedures(index, doctor)
    _performed_by(by_slug)
    _testimonials(by_slug)
    publish(
        index,
        TreatmentPlannerPage(
            title="Which treatment suits me?",
            slug="which-treatment",
            intro=(
                "Tell us what you would like to change and how long you can take things easy "
                "afterwards. We will list the treatments that fit, with the reason for each."
            ),
            search_description=(
                "Answer two questions and see which treatments at Allure Plastics in Jackson, "
                "MS fit what bothers you and the downtime you can take."
            ),
        ),
    )
    _gallery(index, by_slug)
    return by_slug


def _procedures(index, doctor) -> dict[str, ProcedurePage]:
    by_slug, related = {}, {}
    for seed, data in enumerate(procedures()):
        related[data["slug"]] = data.pop("related", [])
        palette = data.pop("palette")
        data["hero_image"] = demo_images.demo_image(
            f"{data['title']} hero",
            f"Abstract, softly lit {palette} tones",
            functools.partial(demo_images.abstract, palette, seed),
        )
        page = publish(
            index,
            ProcedurePage(
                doctor=doctor,
                medical_reviewer=doctor,
                # never in the future, whatever day the demo is built on
                last_reviewed_on=min(REVIEWED_ON, timezone.localdate()),
                price_set_on=min(PRICES_SET_ON, timezone.localdate()),
                **data,
            ),
        )
        by_slug[page.slug] = page
    for slug, related_slugs in related.items():
        page = by_slug[slug]
        if not page.related_procedures.exists():
            for order, other in enumerate(related_slugs):
                RelatedProcedure.objects.create(
                    page=page, procedure=by_slug[other], sort_order=order
                )
    return by_slug


def _performed_by(by_slug) -> None:
    for name, *_, wanted in CLINICIANS:
        clinician = Clinician.objects.get(name=name)
        if not clinician.procedures.exists():
            clinician.procedures = [
                page
                for page in by_slug.values()
                if page.slug in wanted or f"category:{page.category}" in wanted
            ]
            clinician.save()


def _testimonials(by_slug):
    for data in TESTIMONIALS:
        testimonial, created = Testimonial.objects.get_or_create(
            patient_name=data["patient_name"],
            town=data["town"],
            defaults={
                "quote": data["quote"],
                "consent_given_on": dt.date(2026, 9, 1),
                "is_published": True,
            },
        )
        if created:
            testimonial.procedures.set(by_slug[slug] for slug in data["procedures"])


# The demo consent ledger: (reference, website, social media, anonymised only, status).
# Made-up references in the clinic's format; the third patient withdrew, so none of her
# photos show anywhere.
DEMO_CONSENTS = [
    ("AL-DEMO2", True, True, False, ConsentStatus.ACTIVE),
    ("AL-DEMO3", True, False, True, ConsentStatus.ACTIVE),
    ("AL-DEMO4", True, False, False, ConsentStatus.REVOKED),
]
CONSENTED_ON = dt.date(2026, 6, 1)

# (consent, procedure, photo seed, skin tone, sessions, time after, unit, caption, alt
# before, alt after, extra angle, published)
DEMO_PAIRS = [
    (
        "AL-DEMO2",
        "skin-resurfacing",
        11,
        0,
        1,
        3,
        "months",
        "One medium-depth laser treatment for sun damage on the cheek.",
        "Cheek with scattered brown sun spots and fine creases",
        "The same cheek with far fewer, paler spots and smoother creases",
        "Close-up",
        True,
    ),
    (
        "AL-DEMO3",
        "skin-resurfacing",
        23,
        1,
        3,
        6,
        "weeks",
        "A series of light treatments for uneven tone on the forehead.",
        "Forehead with blotchy pigmentation and lines",
        "The same forehead with a more even tone and softer lines",
        "",
        True,
    ),
    (
        "AL-DEMO2",
        "chemical-peel",
        37,
        2,
        2,
        8,
        "weeks",
        "Two medium peels for dull, spotty skin.",
        "Skin with dark spots and a dull surface",
        "The same skin, brighter, with lighter spots",
        "",
        True,
    ),
    (
        "AL-DEMO4",
        "skin-resurfacing",
        41,
        0,
        1,
        3,
        "months",
        "Kept for the record: the patient withdrew consent.",
        "Cheek with deep creases",
        "The same cheek with shallower creases",
        "",
        False,
    ),
]


def _gallery(index, by_slug):
    publish(
        index,
        ResultsGalleryPage(
            title="Before and after",
            slug="results",
            intro=(
                "Real results of patients treated at our clinic, each shown with the "
                "patient's written consent. Photos are taken in the same light and pose."
            ),
            search_description=(
                "Before-and-after photos of skin resurfacing and other treatments at Allure "
                "Plastics in Jackson, MS, shown with each patient's consent."
            ),
        ),
    )
    consents = {}
    for reference, website, social, anonymised, status in DEMO_CONSENTS:
        consent = ConsentRecord.objects.filter(booking_reference=reference).first()
        if consent is None:
            consent = ConsentRecord(
                booking_reference=reference,
                allows_website=website,
                allows_social_media=social,
                anonymised_only=anonymised,
                given_on=min(CONSENTED_ON, timezone.localdate()),
                status=status,
            )
            consent.scanned_form.save(
                f"{reference.lower()}.png",
                ContentFile(demo_images.paper_form(f"Photo consent (demo) {reference}")),
                save=False,
            )
            consent.save()
        consents[reference] = consent
    for order, row in enumerate(DEMO_PAIRS):
        reference, slug, seed, tone, sessions, after, unit, caption, *rest = row
        before_alt, after_alt, angle, published = rest
        if ResultPair.objects.filter(consent=consents[reference], caption=caption).exists():
            continue

        def photo(kind, healed, seed=seed, tone=tone, slug=slug):
            return demo_images.demo_image(
                f"{slug} result {seed} {kind}",
                f"Demo skin close-up, {kind}",
                functools.partial(demo_images.skin, seed, healed=healed, tone=tone),
            )

        pair = ResultPair.objects.create(
            procedure=by_slug[slug],
            patient_reference=reference,
            consent=consents[reference],
            before_image=photo("before", 0),
            after_image=photo("after", 1),
            before_alt=before_alt,
            after_alt=after_alt,
            caption=caption,
            treated_by="Dr. Walker, M.D.",
            sessions=sessions,
            time_after=after,
            time_after_unit=unit,
            identifying_features_hidden=True,  # close-ups of skin: no face, no marks
            is_published=published,
            sort_order=order,
        )
        if angle:
            ResultPairAngle.objects.create(
                pair=pair,
                label=angle,
                before_image=photo("close-up before", 0, seed=seed + 1),
                after_image=photo("close-up after", 1, seed=seed + 1),
            )
    # The patient who withdrew: her photos are where any ended consent's go (issue 28).
    for consent in consents.values():
        if not consent.allows_website_on(timezone.localdate()):
            services.consent_photos_withdraw(consent=consent)
