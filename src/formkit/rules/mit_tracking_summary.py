"""MIT微笑 annual tracking summaries (附件十五 附錄六), counted from the year's reports."""

from __future__ import annotations
