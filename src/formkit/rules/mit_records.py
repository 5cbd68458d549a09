"""MIT微笑 records of certification: sample return and disposal (A.1.17), the certification
result summary report (A.1.18), product registration (A.1.22).
"""

from __future__ import annotations
