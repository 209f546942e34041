"""Clinicians for tests: the person (`procedures.Clinician`) and the diary patients book
(`bookings.Provider`, made when the clinician is first saved)."""

from procedures.clinicians import Clinician


def add_diary(name: str, role: str = "", *, letters: str = "", procedures=(), **fields):
    """A new clinician `name`, and their diary (returned); `role` is what follows the name on
    the booking page, e.g. "R.N., nurse injector" when no `letters` are given."""
    clinician = Clinician(name=name, role=role, letters=letters, **fields)
    clinician.save()
    if procedures:
        clinician.procedures = list(procedures)
        clinician.save()
    return clinician.diary


def add_procedures(provider, *procedures) -> None:
    """Let the diary's clinician perform `procedures` too."""
    clinician = provider.clinician
    clinician.procedures.add(*procedures)
    clinician.save()


def set_bookable(provider, bookable: bool) -> None:
    provider.clinician.bookable = bookable
    provider.clinician.save()
