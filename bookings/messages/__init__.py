"""What the clinic sends and receives: emails, reminder texts, calendar files (.ics), the
signed links the emails carry, and the SMS webhook (STOP). Built here, sent by the worker
(bookings/tasks.py)."""
