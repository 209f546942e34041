"""A request's course after it is made, shared by the patient's link and the front desk:
status changes, cancelling, times confirmed or moved, and the reminders due."""
