"""The compound floor: the physics of a doorstep round and the prepared compound.

``travel`` (walking between gates and stairwell entrances, stairs and lifts),
``demand`` (each household's parcel, the gates' pools of bags, who may bring what),
``costs`` (what a parcel costs a volunteer: trip modes, trip, stair and parcel costs,
volunteers alike), ``trips`` (trip shapes timed from loading), ``schedule`` (trips on
the clock) and ``prepared`` (:class:`PreparedCompound`: a scenario prepared once for
the bounds and the round planners). Bounds and planners build on it; it imports
neither.
"""
