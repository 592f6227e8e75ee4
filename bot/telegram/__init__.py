"""The Telegram channel: the application, one handler module per feature, replies, sending, webhook."""
