"""The coordinator's desk: the spreadsheets a street office keeps (the compound's
layout, the household ledger, the volunteer roster) read into a scenario, and blank
templates of them to fill in.

A layer above :mod:`supplyroute.models` and :mod:`supplyroute.io`, below the CLI; it
never prints, and never puts a resident's name or phone into a message or a log.
"""

from supplyroute.desk.address import Address, parse_address
from supplyroute.desk.importer import import_compound
from supplyroute.desk.tables import Table, read_table
from supplyroute.desk.templates import write_template

__all__ = ["Address", "Table", "import_compound", "parse_address", "read_table",
           "write_template"]
