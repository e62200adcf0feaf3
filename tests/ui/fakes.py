"""A scripted stand-in for the dialog service: answers are queued, questions are recorded."""

from __future__ import annotations

from pathlib import Path


class FakeDialogs:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.text_answers: list[str | None] = []
        self.save_answers: list[Path | None] = []
        self.open_answers: list[Path | None] = []
        self.open_files_answers: list[list[Path]] = []
        self.confirm_answers: list[bool] = []
        self.encoding_answers: list[str | None] = []
        self.choice_answers: list[int | None] = []
        self.choices: list[list[str]] = []
        self.previews: dict[str, str] = {}
        self.asked: list[str] = []
        self.dialogs_shown: list[object] = []
        self.dialog_scripts: list[object] = []

    def error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def info(self, title: str, message: str) -> None:
        self.infos.append((title, message))

    def key_table(self, title: str, sections) -> None:  # type: ignore[no-untyped-def]
        """Recorded as an info, one "keys: what" line per row under each section's title."""
        lines = [line for name, rows in sections for line in (name, *(f"{k}: {w}" for k, w in rows))]
        self.infos.append((title, "\n".join(lines)))

    def confirm(self, title: str, message: str, *, yes: str = "OK", default_yes: bool = False) -> bool:
        self.asked.append(title)
        return self.confirm_answers.pop(0)

    def choose(self, title: str, label: str, items) -> int | None:  # type: ignore[no-untyped-def]
        self.asked.append(title)
        self.choices.append(list(items))
        return self.choice_answers.pop(0)

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        self.asked.append(title)
        return self.text_answers.pop(0)

    def open_files(self, title: str, file_filter: str) -> list[Path]:
        self.asked.append(title)
        return self.open_files_answers.pop(0)

    def open_file(self, title: str, file_filter: str) -> Path | None:
        self.asked.append(title)
        return self.open_answers.pop(0)

    def save_file(
        self, title: str, file_filter: str, suggested: str = "", *, confirm_overwrite: bool = True
    ) -> Path | None:
        self.asked.append(title)
        return self.save_answers.pop(0)

    def run_dialog(self, dialog) -> bool:  # type: ignore[no-untyped-def]
        """Hands the dialog to the test's script (which may tick boxes), then accepts it."""
        self.asked.append(dialog.windowTitle())
        self.dialogs_shown.append(dialog)
        script = self.dialog_scripts.pop(0) if self.dialog_scripts else None
        if script is not None:
            script(dialog)
        return True

    def choose_encoding(self, file_name, guess, choices, preview):  # type: ignore[no-untyped-def]
        """Answers with the queued encoding (None cancels); records what each would have shown."""
        self.asked.append(f"encoding:{guess}")
        answer = self.encoding_answers.pop(0)
        if answer is not None:
            self.previews[answer] = preview(answer)
        return answer
