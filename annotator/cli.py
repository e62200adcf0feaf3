"""The `annotator` command: the app by default, and import/export for scripts.

Errors are one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator import APP_NAME, __version__

if TYPE_CHECKING:
    from annotator.services.articles import ImportResult
    from annotator.services.project import Project
    from annotator.services.review import Agreement

log = logging.getLogger("annotator")

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

DESCRIPTION = f"""{APP_NAME}: tag every claim in a news article by whose word it is and how far to trust it.

usage:
  annotator [PROJECT] [--annotator NAME]        start the app (on the default project without PROJECT)
  annotator import FILE... --project PROJECT    import .txt/.md articles (creates the project if needed)
  annotator export --project PROJECT --out CSV  write the claims dataset (--format jsonl: lossless;
                                                --layer reviewed|all: the reviewed layer, or both)
  annotator import-claims FILE --project PROJECT  bring claims in from a dataset CSV or claims JSONL
  annotator merge OTHER --project PROJECT       merge a colleague's project file into this one
  annotator agreement --project PROJECT         agreement between annotators (kappa, alpha)
  annotator COMMAND --help                      the options of a command

The app also takes Qt's own options, such as -reverse (a right-to-left layout), -style NAME,
-platform NAME and -qwindowgeometry WxH+X+Y.
"""

# Qt's command-line options (QApplication's and QGuiApplication's), each with whether a value
# follows it (`-name=value` works too: it reaches Qt as `-name value`, the one form Qt reads for
# all of them). Anything else that starts with a dash is ours, so a mistyped option is still an
# error rather than ignored.
QT_OPTIONS = {
    "-reverse": False,
    "-widgetcount": False,
    "-nograb": False,
    "-dograb": False,
    "-sync": False,
    "-style": True,
    "-stylesheet": True,
    "-platform": True,
    "-platformpluginpath": True,
    "-platformtheme": True,
    "-plugin": True,
    "-qwindowgeometry": True,
    "-qwindowicon": True,
    "-qwindowtitle": True,
    "-session": True,
    "-dialogs": True,
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints its whole usage; one line is kinder in a terminal and a script log.
        print(f"annotator: {message} (see annotator --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage=argparse.SUPPRESS,
    )
    parser.add_argument("project", nargs="?", type=Path, help="the project file to open or create")
    parser.add_argument("--annotator", metavar="NAME", help="who is annotating (skips the name question)")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def _import_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="annotator import", description="Import .txt and .md files as articles.")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--project", type=Path, required=True, help="project file (created if needed)")
    parser.add_argument("--title", help="the article's title (default: the file name without extension)")
    parser.add_argument(
        "--encoding", help="decode the files that are not UTF-8 with this encoding (UTF-8 files stay UTF-8)"
    )
    return parser


def _export_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator export",
        description="Write the claims dataset as CSV, or every field of every claim and article as JSONL.",
    )
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the file to write (- for standard output)")
    parser.add_argument(
        "--format",
        choices=("csv", "jsonl"),
        help="csv (the default, unless --out ends in .jsonl): the dataset; jsonl: lossless, one JSON object"
        " per line, for import-claims",
    )
    parser.add_argument(
        "--layer",
        choices=("annotations", "reviewed", "all"),
        default="annotations",
        help="CSV only. annotations (default): every annotator's claims; reviewed: the reviewed claims, one"
        " per decided unit, by who decided; all: both, with a `status` column (reviewed, accepted, edited,"
        " superseded, rejected or unreviewed)",
    )
    parser.add_argument(
        "--annotator",
        action="append",
        metavar="NAME",
        help="only this annotator's claims (the name in any case if only one fits; with --layer all, every"
        " reviewed claim is still written)",
    )
    parser.add_argument(
        "--article",
        action="append",
        metavar="ID",
        help="only this article's claims (its id, or its exact title)",
    )
    parser.add_argument(
        "--exact",
        action="store_true",
        help="write cells exactly as annotated, without the guard against spreadsheet formulas",
    )
    return parser


def _import_claims_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator import-claims",
        description="Bring claims in from a dataset CSV (as `export` writes it) or a claims JSONL file"
        " (`export --format jsonl`). Rows that do not fit the project are listed on stderr with their line"
        " numbers and left out; the rest go in together. Exit status 0 when claims were imported or nothing"
        " was refused, 1 when rows were refused and none imported.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a .csv or .jsonl file")
    parser.add_argument("--project", type=Path, required=True, help="the project to import into")
    return parser


def _merge_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator merge",
        description="Copy a colleague's articles, annotators, codebook entries and claims into this project."
        " Their file is only read.",
    )
    parser.add_argument("other", type=Path, metavar="OTHER", help="the colleague's project file")
    parser.add_argument("--project", type=Path, required=True, help="the project to merge into")
    return parser


def _agreement_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator agreement",
        description="Agreement between annotators on source type, confidence and spans.",
    )
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument(
        "--article",
        action="append",
        metavar="ID",
        help="only this article, by id or exact title (repeatable)",
    )
    parser.add_argument(
        "--annotator", action="append", metavar="NAME", help="only this annotator (repeatable)"
    )
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="how much two spans must overlap to be one unit (intersection over union; default 0.5)",
    )
    parser.add_argument(
        "--wide",
        type=Path,
        metavar="CSV",
        help="also write one row per unit, a type and a confidence column per annotator (for R's irr)",
    )
    return parser


def _cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.services.project import Project

    if not args.project.exists():
        raise ValueError(f"There is no project file at “{args.project}”.")
    if not 0 < args.threshold <= 1:
        raise ValueError("--threshold must be above 0 and at most 1.")
    project = Project.open(args.project, create=False, read_only=True)
    try:
        _resolve_filters(project, args)
        result = project.review.agreement(
            article_ids=args.article, annotator_names=args.annotator, threshold=args.threshold
        )
        if args.wide is not None:
            rows = project.review.export_wide(
                args.wide, article_ids=args.article, annotator_names=args.annotator, threshold=args.threshold
            )
            print(f"wrote {rows} unit{'s' if rows != 1 else ''} to {args.wide}", file=sys.stderr)
    finally:
        project.close()
    {"csv": _agreement_csv, "json": _agreement_json}.get(args.format, _agreement_table)(result)
    return EXIT_OK


def _resolve_filters(project: Project, args: argparse.Namespace) -> None:
    """`--annotator` and `--article` as the project spells them: a name in another case, or an
    article's title, becomes its name or id; one that matches nothing is an error naming the known
    ones (an empty file or "no unit coded by two annotators" would hide the typo)."""
    from annotator.services import filters

    args.annotator = filters.annotator_names(args.annotator, project.annotators())
    args.article = filters.article_ids(args.article, project.articles.list())


def _agreement_csv(result: Agreement) -> None:
    import csv

    from annotator.formats.csv_dataset import neutralise_cell

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["field", "measure", "annotators", "units", "value"])
    for figure in result.figures:
        value = "" if figure.value is None else f"{figure.value:.4f}"
        # The annotators' names are theirs to choose: guarded as the dataset's cells are.
        annotators = neutralise_cell(" & ".join(figure.annotators))
        writer.writerow([figure.field, figure.measure, annotators, figure.units, value])
        if figure.value is None:  # empty in the table, the reason beside it for whoever runs it
            names = " & ".join(figure.annotators)
            print(f"annotator: {figure.field} {figure.measure} ({names}): {figure.reason}", file=sys.stderr)


def _agreement_json(result: Agreement) -> None:
    import json

    figures = [
        {
            "field": f.field,
            "measure": f.measure,
            "annotators": list(f.annotators),
            "units": f.units,
            "value": f.value,
            "reason": f.reason,
        }
        for f in result.figures
    ]
    summary = {"articles": result.articles, "units": len(result.units), "figures": figures}
    print(json.dumps(summary, indent=2, ensure_ascii=False))


def _agreement_table(result: Agreement) -> None:
    plural = "s" if result.articles != 1 else ""
    who = ", ".join(result.annotators) or "nobody"
    print(f"{len(result.units)} units in {result.articles} article{plural} coded by two or more of: {who}")
    rows = [(f.field, f.measure, " & ".join(f.annotators), str(f.units)) for f in result.figures]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    for row, figure in zip(rows, result.figures, strict=True):
        value = f"{figure.value:.3f}" if figure.value is not None else f"undefined: {figure.reason}"
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)), value)


def _cmd_import(args: argparse.Namespace) -> int:
    """Import each file; a refused one is said in a line and the others still come in (exit 1 if
    any was refused). The project is made for the first file that can come in, not before."""
    from annotator.formats.errors import ImportRejected
    from annotator.services.articles import EncodingUnsure
    from annotator.services.project import Project

    if args.title and len(args.files) > 1:
        raise ValueError("--title names one article: give it with a single FILE.")
    project = None
    refused = 0
    try:
        for path in args.files:
            try:
                if project is None:
                    if not args.project.exists():
                        _check_article_file(path, args.encoding)
                    project = Project.open(args.project, check_damage=True)
                result = _import_one(project, path, args)
            except (ImportRejected, EncodingUnsure) as error:
                _report(error)
                refused += 1
                continue
            verb = "imported" if result.created else "already in the project:"
            print(f"{verb} “{result.title}” ({result.article_id})")
    finally:
        if project is not None:
            project.close()
    return EXIT_ERROR if refused else EXIT_OK


def _import_one(project: Project, path: Path, args: argparse.Namespace) -> ImportResult:
    """`path` as UTF-8 if it is UTF-8, else in --encoding if given: one run over files in several
    encodings never decodes a UTF-8 file as something else."""
    from annotator.services.articles import EncodingUnsure

    try:
        return project.articles.import_file(path, title=args.title)
    except EncodingUnsure:
        if not args.encoding:
            raise
        return project.articles.import_file(path, title=args.title, encoding=args.encoding)


def _check_article_file(path: Path, encoding: str | None) -> None:
    """Raise what importing `path` would raise (ImportRejected, EncodingUnsure), writing nothing."""
    from annotator.formats.text_files import read_article_file
    from annotator.services.articles import EncodingUnsure

    decoded = read_article_file(path)
    if not decoded.certain:
        if encoding is None:
            raise EncodingUnsure(path, decoded)
        read_article_file(path, encoding=encoding)


def _cmd_export(args: argparse.Namespace) -> int:
    from annotator.services.project import Project

    if not args.project.exists():
        raise ValueError(f"There is no project file at “{args.project}”.")
    if str(args.out) == "-" and os.name == "posix":  # the usual name for standard output
        args.out = Path("/dev/stdout")
    args.format = args.format or _format_of(args.out)
    if args.exact and args.format == "jsonl":
        raise ValueError("--exact is for the CSV: the JSONL file is always exact.")
    if args.layer != "annotations" and args.format == "jsonl":
        raise ValueError("--layer is for the CSV: the JSONL file holds the annotators' claims only.")
    if args.layer == "reviewed" and args.annotator:
        raise ValueError("--annotator picks annotators' claims, and --layer reviewed writes none.")
    project = Project.open(args.project, create=False, read_only=True)
    try:
        _resolve_filters(project, args)
        if args.format == "jsonl":
            count = project.exchange.export_jsonl(
                args.out, article_ids=args.article, annotator_names=args.annotator
            )
        else:
            count = project.exchange.export_csv(
                args.out,
                layer=args.layer,
                article_ids=args.article,
                annotator_names=args.annotator,
                exact=args.exact,
            )
        # The file is written all the same: a stale decision is still what the reviewer decided.
        if args.layer != "annotations":
            warning = project.exchange.changed_since_decided(args.article).warning()
            if warning:
                print(f"warning: {warning}", file=sys.stderr)
    finally:
        project.close()
    # With `--out /dev/stdout` the file is stdout: the summary must not become its last line.
    summary = sys.stderr if _is_stdout(args.out) else sys.stdout
    print(f"wrote {count} claim{'s' if count != 1 else ''} to {args.out}", file=summary)
    return EXIT_OK


def _format_of(out: Path) -> str:
    """The export's format when --format is not given: JSONL for a .jsonl (or .ndjson) file, else CSV;
    a spreadsheet's or JSON's name is refused, rather than given a CSV under it."""
    suffix = out.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".xlsx", ".xls", ".ods", ".json", ".parquet"):
        raise ValueError(
            f"export writes CSV (the dataset) or JSONL, not {suffix}: name the file .csv or .jsonl,"
            " or say which with --format."
        )
    return "csv"


def _is_stdout(path: Path) -> bool:
    """Whether `path` is the file, pipe or terminal that stdout writes to."""
    try:
        out, named = os.fstat(sys.stdout.fileno()), path.stat()
    except (OSError, ValueError):  # no such file, or a stdout without a descriptor (a test's)
        return False
    return (out.st_dev, out.st_ino) == (named.st_dev, named.st_ino)


def _cmd_import_claims(args: argparse.Namespace) -> int:
    from annotator.services.project import Project

    if not args.project.exists():
        raise ValueError(f"There is no project file at “{args.project}”.")
    project = Project.open(args.project, create=False, check_damage=True)
    try:
        report = project.exchange.import_claims(args.file)
    finally:
        project.close()
    print(report.summary())
    for line in report.refused_lines():
        print(f"annotator: {args.file.name} {line}", file=sys.stderr)
    # Refused rows are reported, not fatal: what fitted went in, and a script sees it in the summary.
    return EXIT_ERROR if report.refused and not report.imported else EXIT_OK


def _cmd_merge(args: argparse.Namespace) -> int:
    from annotator.services.project import Project

    if not args.project.exists():
        raise ValueError(f"There is no project file at “{args.project}”.")
    project = Project.open(args.project, create=False, check_damage=True)
    try:
        report = project.merge.merge_from(args.other)
    finally:
        project.close()
    print(report.summary())
    return EXIT_OK


def _cmd_gui(args: argparse.Namespace) -> int:
    from annotator.app import run_app

    return run_app(project_path=args.project, annotator_name=args.annotator, qt_options=args.qt_options)


def _qt_options(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """`argv` split into the app's own arguments and Qt's options (QT_OPTIONS) with their values.

    After `--` everything is ours (`annotator -- -reverse` opens a file named "-reverse"), and so is
    the value of our own --annotator, whatever it looks like."""
    ours: list[str] = []
    qt: list[str] = []
    arguments = iter(argv)
    for argument in arguments:
        name, equals, value = argument.partition("=")
        if argument == "--":
            ours.append(argument)
            ours.extend(arguments)
        elif argument == "--annotator":
            # As one argument: argparse takes a value that starts with a dash for another option.
            given = next(arguments, None)
            ours.append(argument if given is None else f"{argument}={given}")  # None: argparse says
        elif name not in QT_OPTIONS or (equals and not QT_OPTIONS[name]):
            ours.append(argument)  # ours, or an error argparse reports ("-reverse=1" too)
        elif not QT_OPTIONS[name]:
            qt.append(argument)
        elif equals:
            qt.extend((name, value))
        else:
            following = next(arguments, None)
            if following is None:
                _gui_parser().error(f"Qt's option {name} needs a value")
            qt.extend((name, following))  # type: ignore[arg-type]
    return ours, qt


COMMANDS = {
    "import": (_import_parser, _cmd_import),
    "export": (_export_parser, _cmd_export),
    "import-claims": (_import_claims_parser, _cmd_import_claims),
    "agreement": (_agreement_parser, _cmd_agreement),
    "merge": (_merge_parser, _cmd_merge),
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and (near := _near_command(argv[0])):
        _gui_parser().error(f"there is no command “{argv[0]}”: did you mean “{near}”?")
    if argv and argv[0] in COMMANDS:
        make_parser, command = COMMANDS[argv[0]]
        args = make_parser().parse_args(argv[1:])
    else:
        ours, qt_options = _qt_options(argv)
        args, command = _gui_parser().parse_args(ours), _cmd_gui
        args.qt_options = qt_options
        if args.annotator is not None and not args.annotator.strip():
            _gui_parser().error("--annotator needs a name")
    try:
        return command(args)
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:  # `annotator export --out /dev/stdout | head`: the reader has had enough
        _quiet_stdout()
        return EXIT_ERROR
    except Exception as error:
        if _caused_by(error, KeyboardInterrupt):  # Ctrl+C, and the cleanup after it failed too
            return _interrupted()
        return _report(error)


def _near_command(word: str) -> str | None:
    """The command `word` looks like a slip for ("exprot"), unless it is a file (a project)."""
    import difflib

    if word.startswith("-") or Path(word).suffix or Path(word).exists():
        return None
    return next(iter(difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.75)), None)


def _interrupted() -> int:
    print("annotator: interrupted: the step under way was not saved (those reported were)", file=sys.stderr)
    return 130


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is in the chain of exceptions that led to `error`."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        if isinstance(link, kind):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _report(error: Exception) -> int:
    from annotator.formats.errors import ImportRejected
    from annotator.services.articles import EncodingUnsure
    from annotator.services.project import ProjectFileError

    if isinstance(error, EncodingUnsure):
        message = f"{error} Run again with --encoding {error.decoded.encoding}."
    elif isinstance(error, ImportRejected | ProjectFileError | ValueError):
        message = str(error)
    elif isinstance(error, OSError):
        message = f"{error.strerror or error}: {error.filename}" if error.filename else str(error)
    elif (database := _database_problem(error)) is not None:
        message = database
    else:
        log.debug("Unexpected error", exc_info=error)
        message = f"internal error ({type(error).__name__}): {error}"
    print(f"annotator: {message}", file=sys.stderr)
    return EXIT_ERROR


def _database_problem(error: Exception) -> str | None:
    """SQLite's complaint behind `error` (as the database layer wraps it), said for a user."""
    import sqlite3

    cause = getattr(error, "orig", None)
    if not isinstance(cause, sqlite3.Error):
        return None
    said = str(cause)
    if "locked" in said or "busy" in said:
        return (
            "the project is busy: another program has been writing to it for over 10 seconds (an import"
            " or merge?), so what this command was writing was not saved. Try again when it has finished."
        )
    if "readonly" in said or "read-only" in said:
        return "the project file is read-only, so what this command was writing was not saved."
    if "unable to open" in said:
        return "the project file could not be opened (is its folder writable?)."
    return f"the project file could not be used: {said}."
