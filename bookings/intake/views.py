"""The patient's intake, from their manage link (`/consultation/manage/<token>/intake/…`):
the questions a few at a time, each step saved as it is sent, a review before submitting,
and the clinic's documents to sign. Private pages like every manage page (no-store,
no-referrer, noindex); a closed request's link shows nothing of what was answered."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from allure.base.web.client_address import client_ip
from bookings.intake import services
from bookings.intake.forms import SignatureForm, StepForm
from bookings.manage.views import manage_link_view
from bookings.models import ClinicDocumentVersion, ConsultationRequest, IntakeResponse

FORGED_MESSAGE = (
    "This form had an answer to a question we did not ask, so nothing was saved. Please "
    "reload the page and try again."
)


def _response(consultation) -> IntakeResponse | None:
    return IntakeResponse.objects.filter(consultation=consultation).first()


def _answers(response) -> dict[str, dict]:
    if response is None:
        return {}
    return {str(a.question_key): a.value for a in response.answers.all()}


def _closed_page(request, token, consultation, status=200, problem=None):
    """A closed or started request: what was sent is not shown again here."""
    return render(
        request,
        "bookings/intake/closed.html",
        {"consultation": consultation, "token": token, "problem": problem},
        status=status,
    )


@manage_link_view(method="GET")
def intake_overview(request: HttpRequest, token: str, consultation: ConsultationRequest):
    if not consultation.is_open:
        return _closed_page(request, token, consultation)
    version = services.questionnaire_version_for(consultation)
    response = _response(consultation)
    steps = services.steps(version) if version else []
    answered = set(_answers(response))
    step_states = [
        {
            "number": number,
            "count": len(step),
            "answered": sum(1 for q in step if q["key"] in answered),
            "missing": sum(1 for q in step if q["required"] and q["key"] not in answered),
        }
        for number, step in enumerate(steps, start=1)
    ]
    # Where the patient left off: the first step still needing an answer (optional questions
    # left blank do not hold them back); none: the review.
    next_step = next((s["number"] for s in step_states if s["missing"]), None)
    return render(
        request,
        "bookings/intake/overview.html",
        {
            "consultation": consultation,
            "token": token,
            "version": version,
            "response": response,
            "steps": step_states,
            "next_step": next_step,
            "answered": len(answered),
            "total": len(version.questions) if version else 0,
            "documents": services.documents_to_sign(consultation),
            "locked": services.is_locked(consultation),
            "done": request.GET.get("done"),
        },
    )


def _step_page(request, token, consultation, version, number, form, status=200, problem=None):
    steps = services.steps(version)
    return render(
        request,
        "bookings/intake/step.html",
        {
            "consultation": consultation,
            "token": token,
            "version": version,
            "number": number,
            "step_count": len(steps),
            "form": form,
            "problem": problem,
        },
        status=status,
    )


def _version_and_step(consultation, number):
    version = services.questionnaire_version_for(consultation)
    if version is None:
        raise Http404
    steps = services.steps(version)
    if not 1 <= number <= len(steps):
        raise Http404
    return version, steps[number - 1]


@manage_link_view(method="GET")
def _step_get(request, token, consultation, number):
    if services.is_locked(consultation):
        return _closed_page(request, token, consultation)
    version, questions = _version_and_step(consultation, number)
    form = StepForm(questions=questions, answers=_answers(_response(consultation)))
    return _step_page(request, token, consultation, version, number, form)


@manage_link_view(method="POST")
def _step_post(request, token, consultation, number):
    if services.is_locked(consultation):
        return _closed_page(
            request, token, consultation, status=409, problem=services.LOCKED_MESSAGE
        )
    version, questions = _version_and_step(consultation, number)
    form = StepForm(request.POST, questions=questions, answers=_answers(_response(consultation)))
    if form.unknown_questions():
        return _step_page(
            request, token, consultation, version, number, form, status=400, problem=FORGED_MESSAGE
        )
    valid = form.is_valid()
    try:
        # What is valid is kept even when another answer of the step is not.
        services.intake_answers_save(
            consultation=consultation, version=version, answers=form.answers()
        )
    except services.IntakeLocked:
        return _closed_page(
            request, token, consultation, status=409, problem=services.LOCKED_MESSAGE
        )
    if request.POST.get("autosave") == "1":
        # static/js/intake.js saving as the patient types: saved, nothing to show.
        return HttpResponse(status=204)
    if not valid:
        return _step_page(request, token, consultation, version, number, form, status=400)
    if "later" in request.POST:
        return redirect(reverse("bookings:intake", args=[token]) + "?done=saved")
    if number < len(services.steps(version)):
        return redirect("bookings:intake_step", token=token, number=number + 1)
    return redirect("bookings:intake_review", token=token)


# One address, GET and POST: the dispatcher is exempt from the CSRF check as every manage
# link POST is (the token in the address authorises it; see `manage_link_view`).
@csrf_exempt
def intake_step(request: HttpRequest, token: str, number: int) -> HttpResponse:
    view = _step_post if request.method == "POST" else _step_get
    return view(request, token, number)


def _review_page(request, token, consultation, status=200, problem=None):
    version = services.questionnaire_version_for(consultation)
    if version is None:
        raise Http404
    response = _response(consultation)
    answers = {str(a.question_key): a for a in response.answers.all()} if response else {}
    step_of = {
        q["key"]: number
        for number, step in enumerate(services.steps(version), start=1)
        for q in step
    }
    rows = [
        {"question": q, "answer": answers.get(q["key"]), "step": step_of[q["key"]]}
        for q in version.questions
    ]
    return render(
        request,
        "bookings/intake/review.html",
        {
            "consultation": consultation,
            "token": token,
            "rows": rows,
            "response": response,
            "missing": services.missing_required(response, version),
            "problem": problem,
        },
        status=status,
    )


@manage_link_view(method="GET")
def intake_review(request: HttpRequest, token: str, consultation: ConsultationRequest):
    if services.is_locked(consultation):
        return _closed_page(request, token, consultation)
    return _review_page(request, token, consultation)


@manage_link_view(method="POST")
def intake_submit(request: HttpRequest, token: str, consultation: ConsultationRequest):
    try:
        services.intake_submit(consultation=consultation)
    except services.IntakeLocked:
        return _closed_page(
            request, token, consultation, status=409, problem=services.LOCKED_MESSAGE
        )
    except ValidationError as error:
        return _review_page(
            request, token, consultation, status=400, problem=" ".join(error.messages)
        )
    return redirect(reverse("bookings:intake", args=[token]) + "?done=submitted")


def _sign_page(request, token, consultation, version, form, status=200, problem=None):
    return render(
        request,
        "bookings/intake/sign.html",
        {
            "consultation": consultation,
            "token": token,
            "version": version,
            "paragraphs": [p for p in version.body.split("\n\n") if p.strip()],
            "form": form,
            "problem": problem,
        },
        status=status,
    )


def _latest_version(document_pk) -> ClinicDocumentVersion:
    version = (
        ClinicDocumentVersion.objects.filter(document_id=document_pk, document__active=True)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise Http404
    return version


@manage_link_view(method="GET")
def _sign_get(request, token, consultation, pk):
    if services.is_locked(consultation):
        return _closed_page(request, token, consultation)
    version = _latest_version(pk)
    form = SignatureForm(agreement=version.agreement, initial={"version": version.pk})
    return _sign_page(request, token, consultation, version, form)


DOCUMENT_CHANGED = (
    "The clinic updated this document while you were reading it. Please read it again "
    "before you sign."
)


@manage_link_view(method="POST")
def _sign_post(request, token, consultation, pk):
    if services.is_locked(consultation):
        return _closed_page(
            request, token, consultation, status=409, problem=services.LOCKED_MESSAGE
        )
    version = _latest_version(pk)
    form = SignatureForm(request.POST, agreement=version.agreement)
    if not form.is_valid():
        return _sign_page(request, token, consultation, version, form, status=400)
    if form.cleaned_data["version"] != version.pk:
        # What the patient read is not what would be stored: they read it again.
        fresh = SignatureForm(agreement=version.agreement, initial={"version": version.pk})
        return _sign_page(
            request, token, consultation, version, fresh, status=409, problem=DOCUMENT_CHANGED
        )
    signer = services.Signer(
        typed_name=form.cleaned_data["full_name"].strip(),
        ip_address=client_ip(request) or None,
        user_agent=request.headers.get("User-Agent", ""),
    )
    try:
        services.document_sign(consultation=consultation, version=version, signer=signer)
    except services.IntakeLocked:
        return _closed_page(
            request, token, consultation, status=409, problem=services.LOCKED_MESSAGE
        )
    return redirect(reverse("bookings:intake", args=[token]) + "?done=signed")


@csrf_exempt
def document_sign(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    view = _sign_post if request.method == "POST" else _sign_get
    return view(request, token, pk)


@manage_link_view(method="GET")
def signed_document(request: HttpRequest, token: str, consultation: ConsultationRequest, pk: int):
    """The patient's copy of a form they signed, to print. Only while the request is open
    (an old link may sit in a shared inbox)."""
    if not consultation.is_open:
        raise Http404
    signed = get_object_or_404(consultation.signed_documents.select_related("version"), pk=pk)
    return render(
        request,
        "bookings/intake/signed.html",
        {
            "consultation": consultation,
            "token": token,
            "signed": signed,
            "paragraphs": [p for p in signed.text_shown.split("\n\n") if p.strip()],
        },
    )
