"""The packing staff at the gate: when each bag is packed, and the release batches.

Bags are packed in the order given (urgent and vulnerable households first, then
stairwell by stairwell, alternating buildings so that every group's first loads are
ready first). Each staff member packs one bag at a time, ``bag_s`` a bag, within their
shift; the next bag goes to whoever is free first. A batch is released at the gate when
its last bag is packed plus the disinfection dwell: a late or short packing shift shows
up as a late release in the round.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from supplyroute.models.cycle import Packing


@dataclass(frozen=True)
class Batch:
    households: tuple[str, ...]
    bags: int
    packed_s: float
    release_s: float


def pack_line(order: list[tuple[str, int]], packing: Packing,
              ) -> tuple[list[Batch], list[str]]:
    """Release batches for ``order`` ((household, bags) in packing order), and the
    households whose bags the staff cannot pack within their shifts."""
    workers = [(start, end) for shift in packing.shifts
               for start, end in [shift.span_s()] for _ in range(shift.staff)]
    heap = [(start, end) for start, end in workers]
    heapq.heapify(heap)
    batches: list[Batch] = []
    current: list[str] = []
    bags_in_batch = 0
    done_s = float("-inf")
    unpacked: list[str] = []
    for household, bags in order:
        finished = []
        for _ in range(bags):
            while heap:
                free, end = heapq.heappop(heap)
                if free + packing.bag_s <= end + 1e-9:
                    finished.append(free + packing.bag_s)
                    heapq.heappush(heap, (free + packing.bag_s, end))
                    break
            else:
                break
        if len(finished) < bags:
            unpacked.append(household)
            continue
        if current and bags_in_batch + bags > packing.batch_bags:
            batches.append(Batch(tuple(current), bags_in_batch, done_s, done_s + packing.dwell_s))
            current, bags_in_batch, done_s = [], 0, float("-inf")
        current.append(household)
        bags_in_batch += bags
        done_s = max(done_s, *finished)
    if current:
        batches.append(Batch(tuple(current), bags_in_batch, done_s, done_s + packing.dwell_s))
    return batches, unpacked
