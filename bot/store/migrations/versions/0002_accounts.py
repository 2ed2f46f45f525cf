"""Accounts and teams; practice sessions belong to an account.

Sessions stored before accounts existed carry only a trainee name: each distinct name becomes a
trainee account without a password (an admin activates it with `bot users add`), and its sessions
are attached to it, so nothing is lost.

Revision ID: 0002_accounts
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="SET NULL"), nullable=True, index=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("practice_sessions") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_practice_sessions_user", "users", ["user_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_practice_sessions_user_id", ["user_id"])
    _attach_existing_sessions()


def _account_name(trainee: object) -> str:
    """The username a stored trainee name becomes: whitespace collapsed, cut to 64 characters (as accounts are)."""
    return " ".join(str(trainee or "").split())[:64].rstrip()


def _attach_existing_sessions() -> None:
    connection = op.get_bind()
    sessions = sa.table("practice_sessions", sa.column("trainee", sa.String), sa.column("user_id", sa.Integer))
    users = sa.table(
        "users", sa.column("id", sa.Integer), sa.column("username", sa.String), sa.column("password_hash", sa.String),
        sa.column("role", sa.String), sa.column("team_id", sa.Integer), sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    # Each stored spelling goes to the account its cut, case-folded name makes, and its sessions are matched on
    # that spelling exactly: a name longer than a username still finds its sessions.
    spellings: dict[str, list[str]] = {}
    for (trainee,) in connection.execute(sa.select(sessions.c.trainee).distinct()):
        if _account_name(trainee):
            spellings.setdefault(_account_name(trainee).lower(), []).append(str(trainee))
    for stored in spellings.values():
        name = min(_account_name(t) for t in stored)
        connection.execute(users.insert().values(
            username=name, password_hash=None, role="trainee", team_id=None, active=True, created_at=sa.func.now()))
        user_id = connection.execute(sa.select(users.c.id).where(users.c.username == name)).scalar_one()
        connection.execute(sessions.update().where(sessions.c.trainee.in_(stored)).values(user_id=user_id))


def downgrade() -> None:
    with op.batch_alter_table("practice_sessions") as batch:
        batch.drop_index("ix_practice_sessions_user_id")
        batch.drop_constraint("fk_practice_sessions_user", type_="foreignkey")
        batch.drop_column("user_id")
    op.drop_table("users")
    op.drop_table("teams")
