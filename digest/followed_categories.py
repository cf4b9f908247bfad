"""The categories a digest follows, as /subscribe and /unsubscribe edit them: a list of
names, or every category but some (so that categories that appear later are followed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FollowedCategories:
    """``names`` only; or, when ``names`` is empty, every category but ``excluded``."""

    names: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @classmethod
    def only(cls, names: Iterable[str]) -> FollowedCategories:
        return cls(names=tuple(sorted(set(names))))

    def adding(self, names: Iterable[str]) -> FollowedCategories:
        """These categories followed too; none named: every category, none left out."""
        added = set(names)
        if not added:
            return FollowedCategories()
        if self.names:
            return FollowedCategories.only({*self.names, *added})
        return FollowedCategories(excluded=tuple(sorted(set(self.excluded) - added)))

    def removing(self, names: Iterable[str]) -> FollowedCategories | None:
        """These categories no longer followed; ``None`` when no category is left."""
        removed = set(names)
        if not self.names:
            return FollowedCategories(excluded=tuple(sorted({*self.excluded, *removed})))
        left = set(self.names) - removed
        return FollowedCategories.only(left) if left else None
