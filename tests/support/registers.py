"""The register's audit trail and actions, as the champions' tests read and run them."""


def logged(session, action: str) -> list[tuple[int, str]]:
    """(who, detail) of each entry of this kind in the session's audit trail, oldest first.
    `action` is the part after "startwell.register." or "startwell.session." when it has no dot."""
    from bookings.models import SessionLogEntry

    if "." not in action:
        action = f"startwell.register.{action}"
    entries = SessionLogEntry.objects.filter(session=session, action=action).order_by(
        "timestamp", "pk"
    )
    return [(entry.user_id, entry.data.get("detail", "")) for entry in entries]


def act(action: str, **kwargs):
    """Runs one register action by its name in the table, as the register's buttons do."""
    from parent_champions.services.registers import run_register_action

    return run_register_action(action=action, **kwargs)
