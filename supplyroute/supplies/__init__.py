"""Supplies: what is in stock at the gate, who gets how much of it, what goes in each
bag, and when the packing staff have the bags ready.

``stock`` keeps the gate's lots day by day (arrivals, donations, shelf lives);
``allocate`` shares a day's stock out among the households due a delivery (the one
module that talks to OR-Tools' CP-SAT); ``bags`` packs each household's share into
bags that one hand climb can carry; ``packing_line`` schedules the packing staff and
turns packed bags into release batches at the gate.
"""
