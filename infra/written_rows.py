"""What the log runner last wrote for a case in each case-view table, so that a batch can leave
out a case whose rows in a table came out exactly as they stand.

A command changes a few of a case's tables: a contact moves the ledger, the unit facts and the
contact papers, not the disclosures, the B-class commitments or the public register. Yet
every case view derives all its rows again (a view is a pure function of the case), and each
table's rows were deleted and inserted again: two statements per table per batch, some twenty
in all, which were most of the view keeper's work while commands ran. Measured over a random
history, 63 % of those replacements wrote back the rows already there.

Only the runner that is the one writer of its generations may trust this memory (the store's
lock): it starts empty with every new processor (after a failure, a retry, a switch of
generations), so it never outlives what the runner knows it wrote. Kafka consumers, which
share partitions with the rest of their group, do not use it.

Rows are remembered as a digest of their pickled form: equal digests mean equal rows (BLAKE2b,
128 bits); equal rows pickled differently only cost a write, never a skipped one.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Mapping, Sequence

from projections.core import Row, Table
from projections.processor import ViewChanges

# Tables × cases remembered, the least recently written forgotten first: some 20 MB, the
# rows of about 9,000 cases (a province department's year), of which a command touches one.
ENTRIES = 100_000

Key = tuple[str, str, str]  # view, table, case id


class WrittenRows:
    def __init__(self, entries: int = ENTRIES) -> None:
        self.entries = entries
        self._digests: OrderedDict[Key, bytes] = OrderedDict()

    def leave_out_unchanged(
        self, changes: Mapping[str, ViewChanges], tables: Mapping[str, Sequence[Table]]
    ) -> dict[Key, bytes]:
        """Takes out of ``changes`` each case whose rows in a table are those last written;
        answers the digests of what is still to be written, for ``remember`` once it is."""
        written: dict[Key, bytes] = {}
        for view, change in changes.items():
            by_name = {t.name: t for t in tables[view]}
            for name, (case_ids, rows) in change.replace.items():
                kept_ids, kept_rows = [], []
                grouped = _by_case(rows, by_name[name].case_column)
                for case_id in case_ids:
                    case_rows = grouped.get(case_id, [])
                    key = (view, name, case_id)
                    digest = _digest(case_rows)
                    if self._digests.get(key) == digest:
                        self._digests.move_to_end(key)
                        continue
                    written[key] = digest
                    kept_ids.append(case_id)
                    kept_rows.extend(case_rows)
                change.replace[name] = (kept_ids, kept_rows)
        return written

    def remember(self, written: Mapping[Key, bytes]) -> None:
        """Notes what a batch wrote, after its transaction committed."""
        for key, digest in written.items():
            self._digests[key] = digest
            self._digests.move_to_end(key)
        while len(self._digests) > self.entries:
            self._digests.popitem(last=False)


def _by_case(rows: Sequence[Row], case_column: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[case_column], []).append(row)
    return grouped


def _digest(rows: Sequence[Row]) -> bytes:
    return hashlib.blake2b(pickle.dumps(rows, protocol=5), digest_size=16).digest()
