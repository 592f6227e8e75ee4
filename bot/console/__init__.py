"""The terminal channel: the same conversation as the bot, on the same database."""
