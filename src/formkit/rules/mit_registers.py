"""MIT微笑 registers: category 2 authorisation registration (A.1.21), the print approval list
(A.1.25), the CB fee ledger (A.1.45).
"""

from __future__ import annotations
