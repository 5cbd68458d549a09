"""MIT微笑 audits of certification bodies (附件十六): the annual plan, the certification audit and
the annual summary.
"""

from __future__ import annotations
