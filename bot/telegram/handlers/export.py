"""/export: everything stored about the owner, as a JSON document."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.services.export import EXPORT_SCHEMA_VERSION, export_bytes, export_document
from bot.storage.reports import knowledge_version
from bot.telegram.context import current_user, deps
from bot.telegram.media import send_document
from bot.telegram.replies import line
from bot.telegram.sending import UserBlockedBot


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export: answers, reports, actions and every other row keyed to the owner (sendDocument)."""
    user = current_user(update, context)
    d = deps(context)
    document = export_bytes(export_document(d.store, user.id, knowledge_version()))
    name = f"sme-advisor-export-{datetime.now(UTC):%Y%m%d}.json"
    try:
        await send_document(context.bot, update.effective_chat.id, document, name,
                            line(user.locale, "export.caption", version=EXPORT_SCHEMA_VERSION))
    except UserBlockedBot:
        d.store.set_active(user.id, False)


def handlers() -> list:
    return [CommandHandler("export", export)]
