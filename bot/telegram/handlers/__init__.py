"""Telegram handlers, one module per feature; `bot.telegram.application` composes them in order."""
