"""A consultation time as patients and staff choose it, and its one encoding.

Every form, page and link that carries a chosen time writes `Slot.encode()` and reads it
back with `Slot.decode()`; nothing else knows the format (UTC, ISO 8601) or the value of
"please call me". Whether a time can be held is not decided here (availability.check_time)."""

import datetime as dt
from dataclasses import dataclass

CALL_ME = "call"


@dataclass(frozen=True)
class Slot:
    """A chosen start time, or none: "please call me to arrange a time"."""

    start: dt.datetime | None = None

    @property
    def is_call_me(self) -> bool:
        return self.start is None

    def encode(self) -> str:
        return CALL_ME if self.start is None else self.start.astimezone(dt.UTC).isoformat()

    @classmethod
    def decode(cls, raw: str) -> "Slot":
        """The slot a form posted; ValueError for anything but "call" or an aware time."""
        if raw == CALL_ME:
            return cls()
        start = dt.datetime.fromisoformat(str(raw))
        if start.tzinfo is None:
            raise ValueError("a time without its UTC offset")
        return cls(start)
