"""The actor tables of the site and the CMS share the API table's world (tests/authz/world.py)."""
from .world import world_fixture  # noqa: F401  (the module-scoped `world`)
