"""What the fuzz suite shares: its example counts, and strategies for hostile text and answers-file values.

Example counts are modest so the suite runs in CI in seconds; ``FUZZ_EXAMPLES=2000`` runs that many examples
per test instead, from a random seed (``--hypothesis-seed=N`` makes such a run repeatable). Without it every run
is the same (derandomized), so CI cannot flake.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)


def fuzz_settings(examples: int, **overrides: Any) -> settings:
    """`examples` examples (FUZZ_EXAMPLES overrides), no deadline, no database, derandomized unless overridden."""
    return settings(max_examples=FUZZ_EXAMPLES or examples, deadline=None, database=None,
                    derandomize=not FUZZ_EXAMPLES,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example],
                    **overrides)


async def fuzz(examples: int, body: Callable[..., Awaitable[None]], **strategies: st.SearchStrategy[Any]) -> int:
    """Run the async `body` on this event loop for each example hypothesis draws (hypothesis itself runs in a
    worker thread, so the bot keeps serving between examples); returns how many examples ran."""
    loop = asyncio.get_running_loop()
    ran = 0

    @fuzz_settings(examples)
    @given(**strategies)
    def run(**values: Any) -> None:
        nonlocal ran
        ran += 1
        asyncio.run_coroutine_threadsafe(body(**values), loop).result(timeout=300)

    await asyncio.to_thread(run)
    return ran


# Pieces that broke bots before: markup, entities, direction and zero-width marks, odd digits, escape codes.
FRAGMENTS = (
    "<b>", "</b>", "<i>x</i>", "</a>", "<a href=\"javascript:alert(1)\">x</a>", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<tg-spoiler>", "<span class=\"tg-spoiler\">", "<pre><code>", "<", ">", "<<>>",
    "&", "&amp;", "&lt;", "&nbsp;", "&#0;", "&#xD800;", "&#x110000;", "&#9999999999;", "&amp", "&;", "\"", "'", "`",
    "\u202e", "\u202d", "\u200f", "\u200e", "\u2066", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\x00", "\x07", "\x08", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1b", "\x1b[31m", "\x1b]0;pwned\x07", "\x7f",
    "\x85", "\x9b", "\u2028", "\u2029",
    "😀", "👨‍👩‍👧", "🇨🇳", "👍🏽", "1️⃣", "\U0001f9ea", "\U000e0041", "\ufffd", "\uffff",
    "²", "³", "①", "⑳", "½", "Ⅻ", "〇", "٣", "۴", "५", "፩", "𐩀", "𝟗", "１０", "１０万", "٣٬٠٠٠",
    "10", "-5", "0", "0.55", "1e999", "-1e999", "NaN", "inf", "-0", "9" * 40, "9" * 400, "1,000,000", "10万", "二十万",
    "3个月", "70%", "$500", "€5", "一年半", "10-20万", "20-10", "1/2",
    "跳过", "返回", "为什么", "skip", "back", "why", "quit", "退出", "y", "n", "是", "不是", "1", "2", "3", "99",
    "/start", "/check", "/help@sme_advisor_test_bot", "/help@OtherBot", "@sme_advisor_test_bot",
    "{}", "{0}", "{answer}", "%s", "%(x)s", "${x}", "{{ 7*7 }}", "{% raw %}", "\\", "\\n", "'; DROP TABLE users;--",
    "中文", "العربية", "עברית", "Ελληνικά", "ꦗꦮ", "Z̷̢͍̈́a̸l̵g̴o̵",
)
SURROGATES = ("\ud800", "\udfff", "\ud83d", "\ude00", "\udc80")

# Characters that look like digits but are not plain ones: str.isdigit() accepts many that int() refuses.
ODD_DIGITS = "²³¹①⑳⓪⁰₃½⅓Ⅻ〇፩፲𐩀𐩇𑁒᧚٣۴५𝟗１"


def _characters(surrogates: bool) -> st.SearchStrategy[str]:
    """Any code point: controls, format marks and unassigned ones included; lone surrogates only when asked."""
    return st.characters(exclude_categories=() if surrogates else ("Cs",), codec=None)


def nasty_text(max_size: int = 300, *, surrogates: bool = False, min_size: int = 0) -> st.SearchStrategy[str]:
    """Hostile text: arbitrary code points mixed with the fragments above, now and then repeated to length."""
    pieces = [st.sampled_from(FRAGMENTS), st.text(_characters(surrogates), max_size=12),
              st.sampled_from(ODD_DIGITS)]
    if surrogates:
        pieces.append(st.sampled_from(SURROGATES))
    piece = st.one_of(*pieces)
    mixed = st.lists(piece, max_size=12).map("".join)
    long = st.builds(lambda p, n: p * n, st.one_of(*pieces[:2]).filter(bool), st.integers(1, 5000)).map(
        lambda s: s[:max_size])
    text = st.one_of(mixed, mixed, mixed, long, st.text(_characters(surrogates), max_size=40))
    return text.map(lambda s: s[:max_size]).filter(lambda s: len(s) >= min_size)


def word(max_size: int = 40) -> st.SearchStrategy[str]:
    """One whitespace-free word of hostile text (a command argument, a /start payload)."""
    return nasty_text(max_size, min_size=1).map(lambda s: "".join(s.split())).filter(bool)


def callback_data() -> st.SearchStrategy[str]:
    """What a forged button may carry: at most 64 bytes of UTF-8 (Telegram's limit), never empty."""
    prefixes = st.sampled_from(["", "m:", "d:", "a:", "n:", "l:", "r:", "x:", "g:", "sh:", "rm:", "rm:p:", "x:d:",
                                "x:x:", "x:c:", "rm:h:", "rm:q:", "rm:z:", "rm:a:", "rm:s:", "rm:m:", "sh:rev:",
                                "g:1:", "d:recheck:", "a:1:1:", "n:1:1:"])
    parts = st.lists(st.one_of(st.sampled_from(["1", "0", "-1", "9" * 30, "", "quick", "full", "resume", "en", "zh",
                                                "yes", "no", "done", "drop", "later", "d", "f", "h", "s", "m", "a",
                                                "cash_flow", "cash", "Asia/Shanghai", "../../etc/passwd", "UTC",
                                                "daily", "weekly", "monthly", "1-2", "²", "፩", "٣", "১২"]),
                               nasty_text(20)), max_size=7).map(":".join)
    return st.builds(lambda p, rest: (p + rest), prefixes, parts).map(_utf8_prefix).filter(bool)


def _utf8_prefix(text: str, limit: int = 64) -> str:
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


# --------------------------------------------------------------------------- answers-file values

def _bounded_floats() -> st.SearchStrategy[float]:
    return st.floats(allow_nan=True, allow_infinity=True)


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**400), max_value=10**400), _bounded_floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.55, 1e308, -0.0, 10**15, 10**15 + 1, 2**63, -(2**63) - 1]),
    nasty_text(200),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(nasty_text(20), st.integers()),
                                                                       inner, max_size=4)), max_leaves=12)


# --------------------------------------------------------------------------- checks

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def raw_controls(text: str) -> list[str]:
    """Control and format characters that would act on a terminal rather than be shown (newline and tab aside)."""
    return [c for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]
