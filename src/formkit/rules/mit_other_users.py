"""MIT微笑 other mark users (附件十七): the annual plan, the store reports, the annual summary and
the appeal.
"""

from __future__ import annotations
