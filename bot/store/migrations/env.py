"""Alembic environment: the URL comes from bot.store.db.migrate (or DATABASE_URL)."""

from __future__ import annotations

from alembic import context

from bot.settings import get_settings
from bot.store.db import engine_for
from bot.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with engine_for(url).connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
