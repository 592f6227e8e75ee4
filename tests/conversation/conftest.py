"""The knowledge base and a conversation over it, shared by the conversation tests."""

from __future__ import annotations

import pytest

from dialogs.conversation import Conversation
from knowledge.loader import get_knowledge
from knowledge.model import KnowledgeBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return get_knowledge()


@pytest.fixture
def conv(kb: KnowledgeBase) -> Conversation:
    return Conversation(kb)
