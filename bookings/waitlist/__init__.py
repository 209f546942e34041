"""The waitlist: its form and pages, and every write to it (joining, leaving, offers made by
the front desk, a patient's claim)."""
