"""MIT微笑 unscheduled tracking (附件十五 附錄四), the notices of 附件十五,
十六 and 十七, and the 附件十三 correction notice.
"""

from __future__ import annotations
