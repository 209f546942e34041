"""The clinic's time: its time zone, time formats and local days, and "open now"."""
