"""Why the domain refuses an operation; nothing was written when one of these is raised."""


class Refused(Exception):
    """osTicket would refuse this change."""


class NotFound(Refused):
    pass


class Forbidden(Refused):
    pass


class Conflict(Refused):
    """The ticket's current state does not allow it (already closed, locked by another agent...)."""


class Invalid(Refused):
    """A parameter names something unusable (a status of the wrong state...)."""


class FieldError(Invalid):
    """A value osTicket's form would refuse; ``field`` names the request parameter."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.field = name
        self.reason = message


class Raced(Exception):
    """Another transaction committed a conflicting row first (a new address, taken by a concurrent create).

    Not a refusal: the write runs again in a new transaction, which then sees that row (api/writes.py).
    """


class Unsupported(Refused):
    """This database's schema and release disagree where the bridge must know which osTicket it writes for
    (a 1.10-shaped schema without 1.10's signature): it writes nothing rather than guess."""
