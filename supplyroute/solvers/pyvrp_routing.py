"""The ``pyvrp`` engine (optional: ``pip install 'supplyroute[bench]'``). In progress."""
