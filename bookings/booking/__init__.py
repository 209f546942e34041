"""The patient's booking: the booking page and what it shows (`diary`), the form and its
fields, the one write that makes a request (`services`), and what every patient page shares
against abuse (`guards`)."""
