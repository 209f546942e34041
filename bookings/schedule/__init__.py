"""Which times the clinic can offer and hold, read by every part and by the worker: the
booking catalogue, working hours, availability and its one rule, a chosen time's encoding,
and which waitlisted patients a freed time is offered to."""
