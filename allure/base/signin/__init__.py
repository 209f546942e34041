"""Staff sign-in: the second factor (django-otp) for everyone who sees patients' details or
restricted content, and its views."""
