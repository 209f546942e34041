"""The treatment planner's rules: which procedures suit what bothers a patient and the
downtime they can take, drawn only from the procedures' CMS fields (each condition's planner
concern, the recovery stages, the number of treatments), so a new page takes part without code.

Pure functions over page objects: nothing is stored and nothing is logged.
"""

from typing import NamedTuple

from django.db import models


class Concern(models.TextChoices):
    """What a patient may say bothers them; editors map each procedure condition to one."""

    FINE_LINES = "fine-lines", "Fine lines"
    DEEP_WRINKLES = "deep-wrinkles", "Deep wrinkles and folds"
    SUN_SPOTS = "sun-spots", "Sun spots and brown patches"
    REDNESS = "redness", "Redness and small veins"
    DULL_SKIN = "dull-skin", "Dull or uneven skin"
    SCARS = "scars", "Acne or other scars"
    LOOSE_SKIN = "loose-skin", "Loose or sagging skin"
    LOST_VOLUME = "lost-volume", "Lost volume (hollow cheeks, thin lips)"
    TIRED_EYES = "tired-eyes", "Heavy lids or under-eye bags"


class Downtime(models.TextChoices):
    NONE = "none", "None: I want to go back to my day at once"
    WEEKEND = "weekend", "A weekend (2–3 days)"
    WEEK = "week", "Up to a week"
    TWO_WEEKS = "two-weeks", "Two weeks or more"


# Most days away from normal life each answer allows; None: no limit.
DOWNTIME_DAYS = {
    Downtime.NONE: 0,
    Downtime.WEEKEND: 3,
    Downtime.WEEK: 7,
    Downtime.TWO_WEEKS: None,
}


class Recommendation(NamedTuple):
    procedure: object  # a ProcedurePage
    concerns: list[str]  # the labels of the chosen concerns it treats, in the form's order
    stage: object  # the lightest RecoveryStage that fits the downtime

    @property
    def reason(self) -> str:
        treats = " and ".join(label.lower() for label in self.concerns)
        downtime = f"{self.stage.days_label} downtime ({self.stage.depth.lower()})"
        sessions = self.procedure.treatments_label  # "3–6 treatments", "1 or a series"...
        if "treatment" not in sessions:
            sessions = f"treatments: {sessions}"
        return f"Treats {treats}; {downtime}; {sessions}"


def _fits(stage, most_days: int | None) -> bool:
    # A depth fits when patients can be back within the limit at its quickest; the reason
    # shows the whole range, so nobody is promised the short end.
    return most_days is None or stage.days_min <= most_days


def recommend(procedures, concerns: list[str], downtime: str) -> list[Recommendation]:
    """Procedures that treat at least one chosen concern at a depth the downtime allows,
    those treating the most concerns first, then the shortest recovery, then by name.

    `procedures` come with their conditions and recovery stages prefetched."""
    most_days = DOWNTIME_DAYS[Downtime(downtime)]
    wanted = [Concern(value) for value in Concern.values if value in concerns]
    found = []
    for procedure in procedures:
        treated = {condition.concern for condition in procedure.conditions.all()}
        matched = [concern.label for concern in wanted if concern in treated]
        fitting = [s for s in procedure.recovery_stages.all() if _fits(s, most_days)]
        if matched and fitting:
            lightest = min(fitting, key=lambda s: (s.days_max, s.days_min))
            found.append(Recommendation(procedure, matched, lightest))
    return sorted(found, key=lambda r: (-len(r.concerns), r.stage.days_max, r.procedure.title))
