"""Practice sessions, turns, skill detections and scorecards.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("trainee", sa.String(255), nullable=False, index=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("scenario_id", sa.String(128), nullable=False),
        sa.Column("difficulty", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("nps", sa.Integer, nullable=True),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("practice_sessions.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("index", sa.Integer, nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("mood", sa.String(32), nullable=True),
        sa.Column("frustration", sa.Integer, nullable=True),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_id", "index", name="uq_turn_position"),
    )
    op.create_table(
        "skill_detections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("turn_id", sa.Integer, sa.ForeignKey("turns.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("label", sa.String(64), nullable=False, index=True),
        sa.Column("span", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    )
    op.create_table(
        "scorecards",
        sa.Column("session_id", sa.String(36), sa.ForeignKey("practice_sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("overall", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scorecards")
    op.drop_table("skill_detections")
    op.drop_table("turns")
    op.drop_table("practice_sessions")
