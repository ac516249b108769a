"""The security tests reuse the server tests' seeded database."""

from tests.server.conftest import seeded  # noqa: F401 - a fixture, found by name
