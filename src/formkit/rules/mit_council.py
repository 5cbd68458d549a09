"""Rules of the 認證審議會 and the 各別產業驗證推動小組 (MIT-R03, R04, R69).

No form of the catalogue carries the council's members, a working group's members or the
council's meetings: the 要點 set them, and no annex records them. These rules are listed
(``formkit rules --scheme mit``) with what they would need, and run on no document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Finding
from ..i18n import N_
from . import Context, rule


@rule("MIT-R03", forms=(), citation="S0 要點8①–③; 要點9",
      needs=N_("the council's member roster (主任委員, 委員 by appointing body, terms), which "
               "no form of the catalogue holds"))
def council_composition(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Bound to no form: nothing to check until a roster is recorded."""
    yield from ()


@rule("MIT-R04", forms=(), citation="S0 要點11②",
      needs=N_("a working group's member roster (召集人, 產官學研代表, 技術專家), which no form "
               "of the catalogue holds"))
def working_group_composition(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Bound to no form: nothing to check until a roster is recorded."""
    yield from ()


@rule("MIT-R69", forms=(), citation="S0 要點9",
      needs=N_("the council's meetings of each year, which no form of the catalogue holds"))
def council_meeting(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Bound to no form: nothing to check until the meetings are recorded."""
    yield from ()
