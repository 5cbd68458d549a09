"""MIT微笑 audits of certification bodies (附件十六 附錄二): the self-print and promotion,
tracking and fee audit tables.
"""

from __future__ import annotations
