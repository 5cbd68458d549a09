"""標章印製申請、核准清冊異議、交貨差異與宣傳品申請 (附件十四).

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
