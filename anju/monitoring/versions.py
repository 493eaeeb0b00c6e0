"""What changed from one version of a list to the next (issue #18 part 2), matched by the
keyed hash of the head's ID number: households added, removed, and those whose key groups,
monitoring type, risk state or 是否危房户 changed. Each is one query over sets."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from anju.monitoring.models import ListedHousehold, ListVersion


@dataclass
class Changes:
    version: ListVersion
    previous: ListVersion | None

    def _of(self, version):
        return ListedHousehold.objects.filter(version=version)

    def _same(self, other):
        return self._of(other).filter(id_number_hash=OuterRef("id_number_hash"))

    @property
    def added(self):
        if self.previous is None:
            return self._of(self.version)
        return self._of(self.version).filter(~Exists(self._same(self.previous)))

    @property
    def removed(self):
        if self.previous is None:
            return ListedHousehold.objects.none()
        return self._of(self.previous).filter(~Exists(self._same(self.version)))

    @property
    def changed(self):
        if self.previous is None:
            return ListedHousehold.objects.none()
        differs = self._same(self.previous).exclude(change_key=OuterRef("change_key"))
        return self._of(self.version).filter(Exists(differs))

    def counts(self) -> dict:
        return {
            "previous": self.previous.pk if self.previous else None,
            "added": self.added.count(),
            "removed": self.removed.count(),
            "changed": self.changed.count(),
        }

    def before(self, listed: ListedHousehold) -> ListedHousehold | None:
        """The previous version's record of a changed household (for showing old → new)."""
        if self.previous is None:
            return None
        return self._of(self.previous).filter(id_number_hash=listed.id_number_hash).first()


def changes(version: ListVersion) -> Changes:
    return Changes(version, version.previous())


def carry_first_listed(version: ListVersion) -> None:
    """``first_listed_on`` of the version's households: the previous version's when the
    household was on it, else the day this version speaks for (two UPDATEs over the set)."""
    rows = ListedHousehold.objects.filter(version=version)
    previous = version.previous()
    if previous is not None:
        earlier = ListedHousehold.objects.filter(
            version=previous, id_number_hash=OuterRef("id_number_hash")
        ).values("first_listed_on")[:1]
        rows.update(first_listed_on=Subquery(earlier))
    rows.filter(first_listed_on__isnull=True).update(first_listed_on=version.received_on)
