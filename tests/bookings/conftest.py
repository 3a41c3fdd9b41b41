"""Fixtures the booking tests share."""

import pytest

from tests.accounts import staff
from tests.factories import UserFactory


@pytest.fixture
def manager_client(client, centre):
    """A client signed in as a manager of `centre` (in its managers' group)."""
    manager = staff(UserFactory())
    manager.groups.add(centre.manager_group)
    client.force_login(manager)
    return client
