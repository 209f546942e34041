"""`{% result_pair %}` draws one patient's result exactly as the template it replaced
(components/result_pair.html, kept below) drew it, with text that must be escaped, on the
procedure page and, naming the procedure, in the gallery."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from procedures.models import ProcedurePage

pytestmark = pytest.mark.django_db

# components/result_pair.html as it was.
TEMPLATE = """{% load photo_tags wagtailcore_tags %}
{% comment %}One patient's result: before and after side by side (static/js/compare.js turns each
view into a slider when scripts run), the facts to read it fairly, and the results disclaimer
on every pair. `show_procedure` names the procedure, for the gallery page.{% endcomment %}
<figure class="result-pair">
  {% compare_views pair %}
  <figcaption class="result-pair__caption">
    {% if show_procedure %}<p class="result-pair__procedure"><a href="{% pageurl pair.procedure %}">{{ pair.procedure.title }}</a></p>{% endif %}
    {% if pair.caption %}<p>{{ pair.caption }}</p>{% endif %}
    <dl class="result-pair__facts">
      <div><dt>Treated by</dt><dd>{{ pair.treated_by }}</dd></div>
      <div><dt>Treatment</dt><dd>{{ pair.sessions_label }}</dd></div>
      <div><dt>After photo</dt><dd>{{ pair.time_after_label }} the last session</dd></div>
    </dl>
    <p class="disclaimer">Individual results may vary. Shown with the patient’s written consent.</p>
  </figcaption>
</figure>
"""  # noqa: E501


def drawn(source, pair, **context):
    request = RequestFactory().get("/")
    return Template(source).render(Context({"pair": pair, "request": request, **context}))


@pytest.mark.parametrize("caption", ["", 'Cheeks <3 months> & "smoother"'])
@pytest.mark.parametrize("show_procedure", [False, True])
def test_a_pair_is_drawn_as_its_template_drew_it(
    procedure, make_consent, make_pair, caption, show_procedure
):
    procedure.title = "Laser & <peel>"
    procedure.save()
    pair = make_pair(
        consent=make_consent(),
        procedure=ProcedurePage.objects.get(pk=procedure.pk),
        caption=caption,
        treated_by='Dr. "Walker" & <team>',
    )
    ours = drawn(
        "{% load photo_tags %}{% result_pair pair show_procedure=show_procedure %}",
        pair,
        show_procedure=show_procedure,
    )
    assert ours == drawn(TEMPLATE, pair, show_procedure=show_procedure)
    assert "Dr. &quot;Walker&quot; &amp; &lt;team&gt;" in ours
    assert ("Laser &amp; &lt;peel&gt;" in ours) == show_procedure
    assert ("&lt;3 months&gt;" in ours) == bool(caption)
