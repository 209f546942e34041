"""The patient's own link: their request's page, cancel, another time, and the photos they
send for a video consultation."""
