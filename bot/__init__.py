"""SME Advisor: the Telegram and console adapters, storage, rendering and the command line."""
