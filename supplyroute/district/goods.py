"""What the vans must bring: each compound's goods in lots, each lot's kinds from depots.

A compound's households go in *lots* of about ``lot_kg``: the urgent first, then the
vulnerable, then the rest stairwell by stairwell, so that the first lots to arrive let
the round start where it matters and each lot released lets whole stairwells go. A
lot's goods are its households' bags, by kind (a household's medicine order brings its
bags of that kind on its own). Each kind of each lot is drawn from the depots that
stock it, nearest to the compound first, within their stock; each draw is a shipment,
picked up whole by one vehicle. A medicine order is a lot of its own: one shipment from
each of the depots it names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from supplyroute.district.roads import Roads
from supplyroute.errors import InputError, InputIssue
from supplyroute.models.district import Compound, DistrictScenario, Vehicle
from supplyroute.models.district_plan import Shipment
from supplyroute.models.scenario import Priority

#: Default lots: half the smallest van's load, so that a van can bring two at once...
LOT_SHARE_OF_VAN = 0.5
#: ...but no more lots in the district than this (the vans' routing grows with them).
MAX_LOTS = 360
KG_DIGITS = 3

_RANK = {Priority.URGENT: 0, Priority.VULNERABLE: 1, Priority.STANDARD: 2}


@dataclass(frozen=True)
class LotSpec:
    """A lot before it is routed."""

    id: str
    compound: str
    households: tuple[str, ...]
    kg: dict[str, float]
    order: str | None = None
    #: The share of the compound's goods in lots before this one: the round needs this
    #: lot at about that share of its length.
    share_before: float = 0.0

    @property
    def total_kg(self) -> float:
        return sum(self.kg.values())


def compound_kg(district: DistrictScenario, compound: Compound) -> dict[str, float]:
    """The goods a compound's round needs, by kind (medicine orders' bags apart)."""
    ordered = district.order_bags(compound)
    s = compound.scenario
    out: dict[str, float] = defaultdict(float)
    for h in s.households:
        for bag in s.bags_of(h):
            if ordered.get(h.id) != bag.kind:
                out[bag.kind] += bag.weight_kg
    return dict(out)


def load_kg(district: DistrictScenario, vehicle: Vehicle) -> float:
    """The most a vehicle carries: its weight limit, or its room if that binds first."""
    if vehicle.capacity_m3 is None:
        return vehicle.capacity_kg
    return min(vehicle.capacity_kg, vehicle.capacity_m3 * district.parameters.kg_per_m3)


def lot_size_kg(district: DistrictScenario) -> float:
    if district.parameters.lot_kg is not None:
        return district.parameters.lot_kg
    vans = [load_kg(district, v) for v in district.vehicles if v.loads_at is None] or [
        load_kg(district, v) for v in district.vehicles]
    total = sum(sum(compound_kg(district, c).values()) for c in district.compounds)
    return max(LOT_SHARE_OF_VAN * min(vans), total / MAX_LOTS)


def make_lots(district: DistrictScenario) -> list[LotSpec]:
    """Every compound's lots, then one lot per medicine order."""
    size = lot_size_kg(district)
    lots: list[LotSpec] = []
    for compound in district.compounds:
        s = compound.scenario
        ordered = district.order_bags(compound)
        stairwell_rank = {w: k for k, w in enumerate(s.stairwells)}
        people = sorted(s.households, key=lambda h: (_RANK[h.priority],
                                                     stairwell_rank[h.stairwell], h.floor))
        chunks: list[tuple[list[str], dict[str, float]]] = [([], defaultdict(float))]
        for h in people:
            bags = [b for b in s.bags_of(h) if ordered.get(h.id) != b.kind]
            weight = sum(b.weight_kg for b in bags)
            if chunks[-1][0] and sum(chunks[-1][1].values()) + weight > size:
                chunks.append(([], defaultdict(float)))
            chunks[-1][0].append(h.id)
            for b in bags:
                chunks[-1][1][b.kind] += b.weight_kg
        total = sum(compound_kg(district, compound).values()) or 1.0
        done = 0.0
        for k, (ids, kg) in enumerate(chunks):
            lots.append(LotSpec(f"{compound.id}/L{k + 1:02d}", compound.id, tuple(ids),
                                {kind: round(w, KG_DIGITS) for kind, w in sorted(kg.items())},
                                share_before=done / total))
            done += sum(kg.values())
    for order in district.orders:
        kinds = {order.bag_kind: round(sum(p.kg for p in order.pickups), KG_DIGITS)}
        lots.append(LotSpec(f"{order.compound}/{order.id}", order.compound,
                            (order.household,), kinds, order=order.id))
    return lots


def allocate(district: DistrictScenario, roads: Roads, lots: list[LotSpec]) -> list[Shipment]:
    """Shipments for every lot: each kind from the nearest depots with stock left, in
    pieces no vehicle allowed there is too small for; an order's from its depots."""
    left: dict[tuple[str, str], float | None] = {
        (d.id, s.kind): s.kg for d in district.depots for s in d.stock}
    stocking: dict[str, list[str]] = defaultdict(list)
    for d in district.depots:
        for s in d.stock:
            stocking[s.kind].append(d.id)
    shipments: list[Shipment] = []
    orders = {o.id: o for o in district.orders}
    reachable = {d.id for d in district.depots if _open_to_a_van(district, roads, d.id)}
    for lot in lots:
        if lot.order is not None:
            order = orders[lot.order]
            for k, pickup in enumerate(order.pickups):
                shipments.extend(_pieces(district, Shipment(
                    id=f"{lot.id}#{k + 1}", compound=lot.compound, order=order.id,
                    depot=pickup.depot, kind=order.bag_kind, kg=pickup.kg)))
            continue
        for kind, kg in lot.kg.items():
            depots = sorted(stocking[kind], key=lambda d: (d not in reachable,
                                                           roads.metres(d, lot.compound), d))
            need = kg
            for depot in depots:
                if need <= 1e-9:
                    break
                stock = left[(depot, kind)]
                take = need if stock is None else min(need, stock)
                if take <= 1e-9:
                    continue
                if stock is not None:
                    left[(depot, kind)] = stock - take
                need -= take
                shipments.extend(_pieces(district, Shipment(
                    id=f"{lot.id}:{kind}@{depot}", compound=lot.compound, lot=lot.id,
                    depot=depot, kind=kind, kg=round(take, KG_DIGITS))))
            if need > 1e-6:
                raise InputError(InputIssue("depots", f"the depots' stock of {kind!r} runs "
                                            f"out: {need:.1f} kg short for {lot.compound!r}"))
    return shipments


def _open_to_a_van(district: DistrictScenario, roads: Roads, depot_id: str) -> bool:
    """Can some van that may load at the depot be there while it is open, within its
    shift? Goods are drawn from the other depots first (a supermarket open only in the
    evening is the last resort, not the nearest)."""
    depot = district.depot_by_id[depot_id]
    for v in district.vehicles:
        if v.loads_at is not None and depot_id not in v.loads_at:
            continue
        there = max(v.shift.start + roads.drive_s(v, v.start, depot_id), depot.open.start)
        back = roads.drive_s(v, depot_id, v.end or v.start)
        if there < min(depot.open.end, v.shift.end - back):
            return True
    return False


def _pieces(district: DistrictScenario, shipment: Shipment) -> list[Shipment]:
    """A shipment split in equal pieces that the largest vehicle allowed to load at its
    depot can carry (by weight and by room) and that the gate's staging can hold at once
    (a drop larger than the staging room could never be unloaded)."""
    allowed = [load_kg(district, v) for v in district.vehicles
               if v.loads_at is None or shipment.depot in v.loads_at]
    if not allowed:
        raise InputError(InputIssue("vehicles", f"no vehicle may load at {shipment.depot!r}"))
    staging = district.compound_by_id[shipment.compound].supply_gate.staging_kg
    most = min(max(allowed), staging)
    if shipment.kg <= most:
        return [shipment]
    count = int(-(-shipment.kg // most))
    while max(round(shipment.kg / count, KG_DIGITS),
              shipment.kg - round(shipment.kg / count, KG_DIGITS) * (count - 1)) > most + 1e-9:
        count += 1  # the pieces rounded to the gram still fit
    piece = round(shipment.kg / count, KG_DIGITS)
    out = []
    for k in range(count):
        kg = piece if k < count - 1 else round(shipment.kg - piece * (count - 1), KG_DIGITS)
        out.append(shipment.model_copy(update={"id": f"{shipment.id}.{k + 1}", "kg": kg}))
    return out
