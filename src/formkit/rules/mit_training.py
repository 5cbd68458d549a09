"""評核人員訓練：訓練計畫、學員報名、合格名冊 (附件十).

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
