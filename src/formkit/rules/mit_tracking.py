"""MIT微笑 regular tracking of certified companies (附件十五): the annual plan
(附錄一) and the regular reports (附錄二).
"""

from __future__ import annotations
