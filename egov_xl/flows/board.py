"""What the receiving office reads across many units: the unit tree, the revisions' metadata and
the reviews in force, the current values beside peers. The board, a unit's page, consolidation
and the add-in's access checks read them here; the archive's repositories (archive/overview.py,
archive/tree.py) answer each in one query."""

from __future__ import annotations

from ..archive import overview, tree as archive_tree
from ..archive.overview import Review, Revision
from ..archive.store import Archive
from ..archive.tree import TreeUnit

__all__ = ["Review", "Revision", "TreeUnit", "below", "children_in", "current_values", "reviews",
           "reviews_in_force", "revisions", "stamp", "unit_children", "unit_tree", "units_below"]

below = overview.below  # every code under a root of a tree already read, depth first
children_in = overview.children_in  # children_of for the access checks, from a tree already read


def unit_tree(archive: Archive) -> dict[str, TreeUnit]:
    """Every unit by code, with its name and parent."""
    return overview.units(archive)


def unit_children(archive: Archive):
    """children(code) -> the codes directly below it, the tree read once (for access.may_read)."""
    return children_in(unit_tree(archive))


def units_below(archive: Archive, root: str) -> list[TreeUnit]:
    """Every unit below `root`, parents before children (one recursive query)."""
    return archive_tree.below(archive, root)


# the reads as the repositories answer them, each in one query (their docstrings say what comes back)
revisions = overview.revisions  # revisions' metadata of many units, oldest first; `ids` bounds them
reviews = overview.reviews  # the reviews of these revisions, oldest first (the last one in force)
reviews_in_force = overview.reviews_in_force  # the review in force of every reviewed revision of these units
stamp = overview.stamp  # the newest revision's and review's ids: a board built at this stamp is current
current_values = overview.current_values  # unit → period → code → number of each current revision
