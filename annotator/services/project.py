"""Opening a project file: checks, migrations, the first codebook, and the services that work on it."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.db import queries
from annotator.db.engine import copy_live, sqlite_engine, sqlite_reader_engine
from annotator.db.errors import NewerProjectError, NotAProjectError, ProjectFileError
from annotator.db.project_file import check_sqlite_file, damage_report, sync_folder
from annotator.db.schema import upgrade_to_head
from annotator.db.tables import utc_now
from annotator.domain.records import Annotator, known_spelling
from annotator.services.adjudication import AdjudicationService
from annotator.services.articles import ArticleService
from annotator.services.claims import ClaimService
from annotator.services.codebook import CodebookService, seed_codebook
from annotator.services.exchange import ExchangeService
from annotator.services.merge import MergeService
from annotator.services.review import ReviewService
from annotator.services.transactions import Transactions

__all__ = ["NewerProjectError", "NotAProjectError", "Project", "ProjectFileError"]

log = logging.getLogger(__name__)

PROJECT_SUFFIX = ".sqlite"


class Project:
    """An open project file and the use cases that work on it."""

    def __init__(self, path: Path, transactions: Transactions, *, created: bool = False) -> None:
        self.path = path
        self.created = created  # True when this open made a new project file
        found = path.stat()
        self._identity = (found.st_dev, found.st_ino)  # the file opened (see is_at_its_path)
        self._tx = transactions
        self._data_version = transactions.data_version()  # see changed_elsewhere
        self.articles = ArticleService(transactions)
        self.claims = ClaimService(transactions)
        self.codebook = CodebookService(transactions)
        self.exchange = ExchangeService(transactions)
        self.merge = MergeService(transactions, path)
        self.review = ReviewService(transactions)
        self.adjudication = AdjudicationService(transactions)

    @classmethod
    def open(
        cls, path: Path, *, create: bool = True, check_damage: bool = False, read_only: bool = False
    ) -> Project:
        """Open (or create) a project file; raises ProjectFileError with a message for the user.

        A file that cannot be written is refused before anything is tried, unless `read_only`
        (an export, the agreement figures: a colleague's file may come read-only).

        With `check_damage`, a file SQLite finds damaged (`PRAGMA quick_check`, about a second per
        100 MB) is refused before anything is written to it: the command line checks so before it
        writes (the app checks after opening, on a worker, and offers to restore a backup)."""
        path = Path(path).expanduser().absolute()
        if path.exists():
            if not create and path.is_file() and path.stat().st_size == 0:
                # SQLite would make a new project of it; a command that reads one should not.
                raise NotAProjectError(f"“{path.name}” is empty: it is not a Source Annotator project.")
            check_sqlite_file(path)
            if not read_only:
                _check_writable(path)
            if check_damage and path.stat().st_size and (damage := damage_report(path)) is not None:
                first, *more = damage.splitlines() or [damage]  # quick_check lists every fault it finds
                found = f"{first}, and {len(more)} more" if more else first
                raise ProjectFileError(
                    f"“{path.name}” is damaged ({found}): nothing was written to it. Open it in the app,"
                    " which offers to restore its last good backup."
                )
        elif not create:
            raise ProjectFileError(f"There is no project file at “{path}”.")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ProjectFileError(f"Cannot create the folder for “{path}”: {error.strerror}.") from error
            _check_writable(path)
        engine = sqlite_engine(path)
        try:
            is_new = upgrade_to_head(engine, path)
            transactions = Transactions(engine, sqlite_reader_engine(path))
            if is_new:
                with transactions.begin() as session:
                    seed_codebook(session=session)
                sync_folder(path.parent)  # the new file's name, not just its content
        except ProjectFileError:
            engine.dispose()
            raise
        except Exception as error:
            engine.dispose()
            log.exception("Could not open %s", path)
            raise ProjectFileError(f"“{path.name}” could not be opened: {error}") from error
        log.info("Opened project %s", path)
        return cls(path, transactions, created=is_new)

    def changed_elsewhere(self) -> bool:
        """Whether another program (the command line, another window) has changed the project since
        the last time this was asked (or since it was opened)."""
        version = self._tx.data_version()
        if version is None:  # unknown now (the writer is busy), or never (a server)
            return False
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    def is_at_its_path(self) -> bool:
        """Whether the project's file is still where it was opened (not deleted, moved or replaced):
        else what is saved goes into a file no one will find once the project is closed."""
        try:
            found = self.path.stat()
        except OSError:
            return False
        return (found.st_dev, found.st_ino) == self._identity

    def save_copy(self, destination: Path) -> None:
        """Write the project, as it is now, to a new file (see db.engine.copy_live)."""
        copy_live(self._tx.engine, Path(destination).expanduser().absolute())

    def close(self) -> None:
        self._tx.dispose()

    @property
    def name(self) -> str:
        return self.path.stem

    def annotator(self, name: str) -> Annotator:
        """The annotator with this name, added to the project on first use.

        A name that differs from a known one only in case ("ana" for "Ana") is that annotator: typed
        differently on the command line, it must not start a second annotator whose claims then
        show as a colleague's. Two known names equal but for case leave the exact one to match."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("An annotator needs a name.")
        with self._tx.begin() as session:
            found = _known_annotator(name, session)
            if found is not None:
                return found
            annotator = Annotator(id=str(uuid.uuid4()), name=name)
            queries.insert_annotator(annotator, utc_now(), session=session)
        return annotator

    def knows_annotator(self, name: str) -> bool:
        """Whether `annotator(name)` would find the annotator rather than add one (a write)."""
        with self._tx.read() as session:
            return _known_annotator(" ".join(name.split()), session) is not None

    def annotators(self) -> list[Annotator]:
        with self._tx.read() as session:
            return queries.list_annotators(session=session)

    def import_samples(self, folder: Path) -> list[str]:
        """Import the sample articles shipped with the app (on a first start); returns their ids."""
        ids = []
        for sample in sorted(folder.glob("*.txt")):
            try:
                ids.append(self.articles.import_file(sample).article_id)
            except Exception:  # a broken sample must never stop the app from starting
                log.exception("Could not import the sample article %s", sample)
        return ids

    def setting(self, key: str) -> str | None:
        with self._tx.read() as session:
            return queries.get_setting(key, session=session)

    def set_setting(self, key: str, value: str) -> None:
        with self._tx.begin() as session:
            queries.set_setting(key, value, session=session)


def _known_annotator(name: str, session: Session) -> Annotator | None:
    """The annotator of this name, or the only one whose name differs from it just in case."""
    found = queries.annotator_by_name(name, session=session)
    if found is not None:
        return found
    annotators = queries.list_annotators(session=session)
    spelling = known_spelling(name, (a.name for a in annotators))
    return next((a for a in annotators if a.name == spelling), None)


def _check_writable(path: Path) -> None:
    """Refuse a project SQLite could open but not keep: a read-only file, or one in a read-only
    folder (SQLite writes its -wal and -shm files beside the project)."""
    if path.is_file() and not os.access(path, os.W_OK):
        raise ProjectFileError(
            f"“{path.name}” is read-only: make it writable (its permissions), or copy it to a folder of"
            " yours, and open it again."
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ProjectFileError(
            f"The folder of “{path.name}” ({path.parent}) is read-only, and SQLite writes its journal"
            " beside the project: copy the project to a folder of yours and open it there."
        )
