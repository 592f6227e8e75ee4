"""The four bands of a dimension score and what each rule effect allows."""

from __future__ import annotations

FATAL_MAX = 29  # a fatal dimension (critical weakness) scores at most this (band fatal: 0–29)
WEAK_MAX = 54  # band weak: 30–54
FAIR_MAX = 74  # band fair: 55–74; strong (a strength): 75–100
BANDS: tuple[str, ...] = ("fatal", "weak", "fair", "strong")
BAND_RANGES = {"fatal": (0, FATAL_MAX), "weak": (FATAL_MAX + 1, WEAK_MAX), "fair": (WEAK_MAX + 1, FAIR_MAX),
               "strong": (FAIR_MAX + 1, 100)}
CAPS = {"fatal": FATAL_MAX, "weak": WEAK_MAX, "fair": FAIR_MAX}  # the highest score each rule effect allows
STEP_DOWN = {"fatal": "weak", "weak": "note"}  # what a mitigated rule's effect becomes
SEVERITY = {"fatal": 0, "weak": 1, "fair": 2, "note": 3}

def band_of(score: float | None) -> str:
    """fatal, weak, fair or strong for a dimension score; unanswered when there is none."""
    if score is None:
        return "unanswered"
    if score <= FATAL_MAX:
        return "fatal"
    if score <= WEAK_MAX:
        return "weak"
    return "fair" if score <= FAIR_MAX else "strong"


def overall_band_of(score: float | None, any_fatal: bool) -> str:
    """critical whenever a dimension is fatal, else the band of the overall score."""
    if score is None:
        return "unanswered"
    if any_fatal:
        return "critical"
    band = band_of(score)
    return "critical" if band == "fatal" else band
