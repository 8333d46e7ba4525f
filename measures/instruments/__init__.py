"""IPT Care's rating scales as pure Python: definitions, wording where the licence
allows it, and scoring.

``REGISTRY`` maps each instrument id to its ``Instrument``; ``get(id)`` looks one up
with a clear error. Score with ``get("phq9").score([0, 1, 2, …])`` or the module
function ``phq9.score(...)``: answers are option positions, ``None`` for missing.
See ``docs/instruments.md`` for sources, licences and which rules are verified.
"""

from __future__ import annotations

from measures.instruments.asq import ASQ
from measures.instruments.audit import AUDIT
from measures.instruments.auditc import AUDITC
from measures.instruments.base import Instrument, InvalidAnswers, Score
from measures.instruments.core10 import CORE10
from measures.instruments.cssrs import CSSRS
from measures.instruments.dast10 import DAST10
from measures.instruments.gad2 import GAD2
from measures.instruments.gad7 import GAD7
from measures.instruments.hrsd17 import HRSD17
from measures.instruments.iip32 import IIP32
from measures.instruments.mspss import MSPSS
from measures.instruments.pcl5 import PCL5
from measures.instruments.phq2 import PHQ2
from measures.instruments.phq9 import PHQ9
from measures.instruments.taps1 import TAPS1
from measures.instruments.ucla3 import UCLA3
from measures.instruments.wsas import WSAS

__all__ = [
    "REGISTRY",
    "Instrument",
    "InvalidAnswers",
    "Score",
    "UnknownInstrument",
    "get",
]

# Shippable instruments first, then the scoring-only ones; listings keep this order.
REGISTRY: dict[str, Instrument] = {
    instrument.id: instrument
    for instrument in (
        PHQ9,
        PHQ2,
        GAD7,
        GAD2,
        AUDIT,
        AUDITC,
        HRSD17,
        PCL5,
        MSPSS,
        UCLA3,
        CORE10,
        TAPS1,
        ASQ,
        DAST10,
        WSAS,
        CSSRS,
        IIP32,
    )
}


class UnknownInstrument(KeyError):
    """No instrument has this id."""

    def __str__(self) -> str:
        return str(self.args[0])


def get(instrument_id: str) -> Instrument:
    """The instrument with this id; ``UnknownInstrument`` names the known ids."""
    try:
        return REGISTRY[instrument_id]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise UnknownInstrument(
            f"Unknown instrument {instrument_id!r}. Known: {known}."
        ) from None
