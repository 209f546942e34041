# The staff clients the bookings tests sign in with, for the site's own admin reports.
from tests.bookings.conftest import (  # noqa: F401
    desk_client,
    editor_client,
    editor_user,
    front_desk_user,
)
