"""The front desk in the Wagtail admin: Consultations (list, request page, CSV export),
Calendar (and each provider's private feed), the waitlist, the dashboard panel; their forms,
reads and the front desk's own writes."""
