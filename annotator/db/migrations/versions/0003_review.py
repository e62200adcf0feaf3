"""The reviewed layer: reviewers' decisions on units, the claims each settled, and the reviewed claims.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from annotator.db.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_decision",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("article_id", sa.String(36), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(36), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'edited', 'rejected')", name=op.f("ck_review_decision_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_review_decision_article_id_article")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["annotator.id"], name=op.f("fk_review_decision_decided_by_annotator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
    )
    op.create_index(op.f("ix_review_decision_article_id"), "review_decision", ["article_id"])
    op.create_table(
        "review_decision_claim",
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("claim_id", sa.String(36), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("claim_updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["review_decision.id"],
            name=op.f("fk_review_decision_claim_decision_id_review_decision"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("decision_id", "claim_id", name=op.f("pk_review_decision_claim")),
    )
    op.create_index(op.f("ix_review_decision_claim_claim_id"), "review_decision_claim", ["claim_id"])
    op.create_table(
        "reviewed_claim",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("article_id", sa.String(36), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("context_before", sa.Text(), nullable=False),
        sa.Column("context_after", sa.Text(), nullable=False),
        sa.Column("source_type_id", sa.String(36), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("cue", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["review_decision.id"],
            name=op.f("fk_reviewed_claim_decision_id_review_decision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_reviewed_claim_article_id_article")
        ),
        sa.ForeignKeyConstraint(
            ["source_type_id"], ["source_type.id"], name=op.f("fk_reviewed_claim_source_type_id_source_type")
        ),
        sa.ForeignKeyConstraint(
            ["confidence"],
            ["confidence_level.value"],
            name=op.f("fk_reviewed_claim_confidence_confidence_level"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewed_claim")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_reviewed_claim_decision_id")),
    )
    op.create_index(op.f("ix_reviewed_claim_article_id"), "reviewed_claim", ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reviewed_claim_article_id"), table_name="reviewed_claim")
    op.drop_table("reviewed_claim")
    op.drop_index(op.f("ix_review_decision_claim_claim_id"), table_name="review_decision_claim")
    op.drop_table("review_decision_claim")
    op.drop_index(op.f("ix_review_decision_article_id"), table_name="review_decision")
    op.drop_table("review_decision")
