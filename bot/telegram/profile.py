"""The bot's profile in both languages: the description on the empty chat screen and the short one on its page.

Set once at start-up from post_init (`set_profile`); a refusal is logged and never stops the bot.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.views.i18n import LOCALES, t

log = logging.getLogger(__name__)
DEFAULT_LOCALE = "en"  # for clients in any other language


async def set_profile(bot: Bot) -> None:
    """set_my_description and set_my_short_description in zh and en, and a default for other languages."""
    try:
        for locale in (*LOCALES, None):
            source = locale or DEFAULT_LOCALE
            await bot.set_my_description(t(source, "profile.description"), language_code=locale)
            await bot.set_my_short_description(t(source, "profile.short_description"), language_code=locale)
    except TelegramError as error:
        log.warning("could not set the bot's description: %s", type(error).__name__)
