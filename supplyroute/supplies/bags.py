"""Packing a household's share into bags that one hand climb can carry.

Prevention items and medicine go in the prevention bag (the small bag of the reports;
"medicine" when it holds only medicine), food in living bags. Each kind is packed
first-fit decreasing into bags of at most the bag limit, by default what one hand
climb carries: a household's two bags then go up in one climb whenever they weigh no
more than that, and a large family gets more living bags, which need a cart.
"""

from __future__ import annotations

from supplyroute.models.cycle import MEDICINE, PREVENTION
from supplyroute.models.horizon import PackedBag, Units


def bag_kind(category: str) -> str:
    return "prevention" if category in (PREVENTION, MEDICINE) else "living"


#: Bag kinds in the order they are listed (and carried).
KIND_ORDER = ("prevention", "living")


def pack(units: dict[str, int], unit_g: dict[str, int], category_of: dict[str, str],
         limit_g: int) -> list[PackedBag]:
    """Bags for one household's items (units per item)."""
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for item in sorted(units):
        for _ in range(units[item]):
            by_kind.setdefault(bag_kind(category_of[item]), []).append((item, unit_g[item]))
    bags: list[PackedBag] = []
    for kind in KIND_ORDER:
        pieces = sorted(by_kind.get(kind, ()), key=lambda p: (-p[1], p[0]))
        bins: list[tuple[int, dict[str, int]]] = []
        for item, grams in pieces:
            for b, (load, contents) in enumerate(bins):
                if load + grams <= limit_g:
                    contents[item] = contents.get(item, 0) + 1
                    bins[b] = (load + grams, contents)
                    break
            else:
                bins.append((grams, {item: 1}))
        for load, contents in bins:
            only_medicine = all(category_of[i] == MEDICINE for i in contents)
            bags.append(PackedBag(
                kind="medicine" if kind == "prevention" and only_medicine else kind,
                weight_kg=round(load / 1000, 3),
                contents=tuple(Units(item=i, units=n) for i, n in sorted(contents.items())),
            ))
    return bags


def split_weight(kind: str, total_g: int, limit_g: int) -> list[PackedBag]:
    """Bags of a loose weight (garbage): as few as the limit allows, evenly filled."""
    count = max(1, -(-total_g // limit_g))
    each, extra = divmod(total_g, count)  # whole grams: the bags add up exactly
    return [PackedBag(kind=kind, weight_kg=(each + (k < extra)) / 1000) for k in range(count)]
