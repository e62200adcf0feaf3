"""The project file's tables (SQLModel), with a naming convention so migrations stay portable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

# Constraint names that Alembic's batch mode on SQLite and PostgreSQL both understand.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes stored as ISO 8601 text, "2026-11-25T14:03:09.123456Z", on every backend.

    Text sorts in time order, reads back with the C-fast `datetime.fromisoformat` (SQLAlchemy's
    SQLite DATETIME parsing made loading 100,000 claims several times slower), and exports
    without being parsed at all.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp() -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=False))


class Setting(SQLModel, table=True):
    """Small per-project values: the last opened article, the codebook preset, ..."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))


class AnnotatorRow(SQLModel, table=True):
    __tablename__ = "annotator"
    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    created_at: datetime = _timestamp()


class SourceTypeRow(SQLModel, table=True):
    __tablename__ = "source_type"
    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    colour: str = Field(max_length=9)
    position: int
    retired: bool = False


class ConfidenceLevelRow(SQLModel, table=True):
    __tablename__ = "confidence_level"
    value: int = Field(primary_key=True)
    label: str = Field(max_length=100)


class ArticleRow(SQLModel, table=True):
    __tablename__ = "article"
    id: str = Field(primary_key=True, max_length=36)
    title: str = Field(sa_column=Column(Text, nullable=False))
    outlet: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    url: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    published: str = Field(default="", max_length=10)  # ISO date or empty
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(index=True, max_length=64)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


CLAIM_LIST_COLUMNS = (
    "annotator_id",
    "source_type_id",
    "confidence",
    "source",
    "cue",
    "comment",
    "created_at",
    "updated_at",
)


class ClaimRow(SQLModel, table=True):
    __tablename__ = "claim"
    # Covers what opening an article reads, so SQLite never touches the rows' long quote and
    # context columns (3x faster for 100,000 claims).
    __table_args__ = (
        Index("ix_claim_article_span", "article_id", "start", "end", "id", *CLAIM_LIST_COLUMNS),
    )

    id: str = Field(primary_key=True, max_length=36)
    article_id: str = Field(sa_column=Column(String(36), ForeignKey("article.id"), nullable=False))
    annotator_id: str = Field(sa_column=Column(String(36), ForeignKey("annotator.id"), nullable=False))
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    context_before: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    context_after: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_type_id: str = Field(sa_column=Column(String(36), ForeignKey("source_type.id"), nullable=False))
    confidence: int = Field(sa_column=Column(ForeignKey("confidence_level.value"), nullable=False))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    cue: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class ClaimHistoryRow(SQLModel, table=True):
    """A claim as it was before a merge replaced it (or a colleague's older version of it).

    A snapshot, not a link: no foreign keys, so deleting a claim, an annotator or a type never
    has to touch the history, and the history never stops them being deleted.
    """

    __tablename__ = "claim_history"

    id: str = Field(primary_key=True, max_length=36)
    claim_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    article_id: str = Field(max_length=36)
    annotator_id: str = Field(max_length=36)
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    context_before: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    context_after: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_type_id: str = Field(max_length=36)
    confidence: int
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    cue: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    replaced_at: datetime = _timestamp()  # when this version stopped being the claim
    reason: str = Field(sa_column=Column(Text, nullable=False))  # "merged from colleague.sqlite", ...


class ReviewDecisionRow(SQLModel, table=True):
    """A reviewer's word on one unit of an article: accept or edit one version, or reject the unit."""

    __tablename__ = "review_decision"
    __table_args__ = (CheckConstraint("outcome IN ('accepted', 'edited', 'rejected')", name="outcome"),)

    id: str = Field(primary_key=True, max_length=36)
    article_id: str = Field(
        sa_column=Column(String(36), ForeignKey("article.id"), nullable=False, index=True)
    )
    outcome: str = Field(sa_column=Column(String(16), nullable=False))
    decided_by: str = Field(sa_column=Column(String(36), ForeignKey("annotator.id"), nullable=False))
    decided_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class ReviewDecisionClaimRow(SQLModel, table=True):
    """The claims a decision settled. Snapshot ids, not links (as in claim_history): a claim may be
    edited or deleted after the decision, which then shows as stale rather than blocking the edit."""

    __tablename__ = "review_decision_claim"

    decision_id: str = Field(
        sa_column=Column(String(36), ForeignKey("review_decision.id", ondelete="CASCADE"), primary_key=True)
    )
    claim_id: str = Field(sa_column=Column(String(36), primary_key=True, index=True))
    chosen: bool = Field(sa_column=Column(Boolean, nullable=False, default=False))
    # The claim's updated_at as the reviewer saw it: a merge can bring in a colleague's edit that is
    # older than the decision, so "edited after decided_at" would miss it.
    claim_updated_at: datetime = _timestamp()


class ReviewedClaimRow(SQLModel, table=True):
    """A claim of the reviewed layer, shaped like `claim` so the dataset export can write it."""

    __tablename__ = "reviewed_claim"

    id: str = Field(primary_key=True, max_length=36)
    decision_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("review_decision.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    article_id: str = Field(
        sa_column=Column(String(36), ForeignKey("article.id"), nullable=False, index=True)
    )
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    context_before: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    context_after: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_type_id: str = Field(sa_column=Column(String(36), ForeignKey("source_type.id"), nullable=False))
    confidence: int = Field(sa_column=Column(ForeignKey("confidence_level.value"), nullable=False))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    cue: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


# The tables as SQLAlchemy Core sees them, for queries that select columns rather than ORM rows.
ARTICLE = ArticleRow.__table__  # type: ignore[attr-defined]
CLAIM = ClaimRow.__table__  # type: ignore[attr-defined]
ANNOTATOR = AnnotatorRow.__table__  # type: ignore[attr-defined]
SOURCE_TYPE = SourceTypeRow.__table__  # type: ignore[attr-defined]
CONFIDENCE = ConfidenceLevelRow.__table__  # type: ignore[attr-defined]
SETTING = Setting.__table__  # type: ignore[attr-defined]
HISTORY = ClaimHistoryRow.__table__  # type: ignore[attr-defined]
DECISION = ReviewDecisionRow.__table__  # type: ignore[attr-defined]
DECISION_CLAIM = ReviewDecisionClaimRow.__table__  # type: ignore[attr-defined]
REVIEWED = ReviewedClaimRow.__table__  # type: ignore[attr-defined]

# A claim's columns by name, as the merge, the claims import and the reviewed layer copy them.
CLAIM_CODING = (
    "start",
    "end",
    "quote",
    "context_before",
    "context_after",
    "source_type_id",
    "confidence",
    "source",
    "cue",
    "comment",
)
CLAIM_CONTENT = ("article_id", "annotator_id", *CLAIM_CODING)  # what makes two versions the same claim
CLAIM_COLUMNS = ("id", *CLAIM_CONTENT, "created_at", "updated_at")
REVIEWED_COLUMNS = ("id", "decision_id", "article_id", *CLAIM_CODING, "created_at", "updated_at")
