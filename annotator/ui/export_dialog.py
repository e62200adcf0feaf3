"""Export dataset options: which layer, annotators and articles, and whether cells are written exactly."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.records import Annotator, ArticleSummary
from annotator.ui.theme import style_list, style_meta

ALL_ARTICLES, THIS_ARTICLE = "all", "this"

# The layers services.exchange.ExchangeService.export_csv writes, as the dialog names them.
ANNOTATIONS, REVIEWED, ALL_LAYERS = "annotations", "reviewed", "all"
LAYER_CHOICES = (
    ("Annotators' claims", ANNOTATIONS),
    ("Reviewed claims only", REVIEWED),
    ("Everything, with a status column", ALL_LAYERS),
)
NO_DECISIONS_TIP = "No unit has been reviewed yet: settle units in the review view first."


class ExportDialog(QDialog):
    """Asks what to export; the file name is asked for afterwards, by the dialog service."""

    def __init__(
        self,
        annotators: Sequence[Annotator],
        current_article: ArticleSummary | None,
        article_count: int,
        parent: QWidget | None = None,
        *,
        has_decisions: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
        self._current_article = current_article

        self.layer_choice = QComboBox()
        self.layer_choice.setAccessibleName("Claims to export")
        for label, layer in LAYER_CHOICES:
            self.layer_choice.addItem(label, layer)
        self.layer_choice.setItemData(
            2,
            "Every annotator's claims and the reviewed claims, each with its status: reviewed, "
            "accepted, edited, superseded, rejected or unreviewed.",
            Qt.ItemDataRole.ToolTipRole,
        )
        if not has_decisions:
            model = self.layer_choice.model()
            assert isinstance(model, QStandardItemModel)  # a QComboBox's own model
            for index in (1, 2):
                item = model.item(index)
                item.setEnabled(False)
                item.setToolTip(NO_DECISIONS_TIP)
        self.layer_choice.currentIndexChanged.connect(self._update_ok)

        self.article_choice = QComboBox()
        self.article_choice.setAccessibleName("Articles to export")
        self.article_choice.addItem(f"All articles ({article_count})", ALL_ARTICLES)
        if current_article is not None:
            self.article_choice.addItem(f"Only “{current_article.title}”", THIS_ARTICLE)

        self.annotator_list = QListWidget()
        self.annotator_list.setAccessibleName("Annotators to export")
        for annotator in annotators:
            item = QListWidgetItem(annotator.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, annotator.name)
            self.annotator_list.addItem(item)
        self.annotator_list.setMaximumHeight(140)
        style_list(self.annotator_list)
        self.annotator_list.itemChanged.connect(self._update_ok)

        self.exact_box = QCheckBox("Write every cell exactly as annotated")
        self.exact_box.setToolTip(
            "For R, pandas or Python. Without it, a cell starting with = + - @ gets a leading ' so that "
            "spreadsheets never run it as a formula."
        )
        exact_hint = QLabel("Only for analysis tools: don't open such a file in a spreadsheet.")
        style_meta(exact_hint)
        exact_hint.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Claims:", self.layer_choice)
        form.addRow("Articles:", self.article_choice)
        form.addRow("Annotators:", self.annotator_list)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.exact_box)
        layout.addWidget(exact_hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    def _update_ok(self) -> None:
        # The reviewed layer has no annotators to pick: it is written whoever is ticked.
        reviewed_only = self.layer() == REVIEWED
        self.annotator_list.setEnabled(not reviewed_only)
        self.ok_button.setEnabled(reviewed_only or bool(self.annotator_names()))

    def layer(self) -> str:
        """ "annotations", "reviewed" or "all" (see ExchangeService.export_csv)."""
        return str(self.layer_choice.currentData())

    def article_ids(self) -> list[str] | None:
        """None for every article."""
        if self.article_choice.currentData() == THIS_ARTICLE and self._current_article is not None:
            return [self._current_article.id]
        return None

    def annotator_names(self) -> list[str]:
        items = (self.annotator_list.item(i) for i in range(self.annotator_list.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def all_annotators(self) -> bool:
        return len(self.annotator_names()) == self.annotator_list.count()

    def exact(self) -> bool:
        return self.exact_box.isChecked()
