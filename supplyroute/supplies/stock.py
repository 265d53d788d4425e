"""The gate's stock, lot by lot: arrivals and donations, shelf lives, first in first out."""

from __future__ import annotations

from dataclasses import dataclass, field

from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import StockLine


@dataclass
class Lot:
    units: int
    expires_day: int | None  #: thrown away at the start of this day (None: keeps).


@dataclass
class Stock:
    """Every item's lots at the gate, oldest first."""

    scenario: CycleScenario
    lots: dict[str, list[Lot]] = field(default_factory=dict)
    _today: dict[str, list[int]] = field(default_factory=dict)  #: opening, arrived, expired, used.

    def open_day(self, day: int) -> dict[str, int]:
        """Throw out what expired, take in the day's arrivals; return units on hand."""
        self._today = {}
        for item in self.scenario.catalogue:
            lots = self.lots.setdefault(item.id, [])
            opening = sum(lot.units for lot in lots)
            kept = [lot for lot in lots if lot.expires_day is None or lot.expires_day > day]
            expired = opening - sum(lot.units for lot in kept)
            self.lots[item.id] = kept
            self._today[item.id] = [opening, 0, expired, 0]
        for arrival in self.scenario.stock:
            if arrival.day != day or arrival.units == 0:
                continue
            item = self.scenario.item_by_id[arrival.item]
            expires = day + item.shelf_life_days if item.shelf_life_days is not None else None
            self.lots[item.id].append(Lot(arrival.units, expires))
            self.lots[item.id].sort(key=lambda lot: (lot.expires_day is None,
                                                     lot.expires_day or 0))
            self._today[item.id][1] += arrival.units
        return self.on_hand()

    def on_hand(self) -> dict[str, int]:
        return {item: sum(lot.units for lot in lots) for item, lots in self.lots.items()}

    def take(self, item: str, units: int) -> None:
        """Take units, the soonest to expire first."""
        left = units
        for lot in self.lots[item]:
            used = min(left, lot.units)
            lot.units -= used
            left -= used
            if not left:
                break
        if left:
            raise ValueError(f"took {units} units of {item!r}, {units - left} on hand")
        self.lots[item] = [lot for lot in self.lots[item] if lot.units]
        self._today[item][3] += units

    def ledger(self) -> tuple[StockLine, ...]:
        """The day's lines: opening, arrived, expired, used, closing."""
        closing = self.on_hand()
        return tuple(
            StockLine(item=item, opening=o, arrived=a, expired=e, used=u, closing=closing[item])
            for item, (o, a, e, u) in self._today.items()
        )
