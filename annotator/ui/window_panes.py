"""The main window's panes: the article list, the article's header and text, the claim panel, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.ui.theme import style_heading, style_list, style_meta, style_title

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

# Qt classes are imported inside `build_panes`, which runs after the window's first paint (see main_window).


def build_panes(window: MainWindow) -> None:
    """Make the panes as attributes of `window` (article_list, article_view, claim_panel, splitter, …)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

    from annotator.ui.article_view import ArticleView
    from annotator.ui.claim_panel import ClaimPanel
    from annotator.ui.clamped_text import ClampedText
    from annotator.ui.fitted_rows import fit_rows_to_width
    from annotator.ui.ruled_splitter import RuledSplitter
    from annotator.ui.scroll_bar_focus import ScrollBarsKeepFocus
    from annotator.ui.scroll_pane import VerticalScrollPane

    window.article_list = QListWidget()
    window.article_list.setAccessibleName("Articles")
    fit_rows_to_width(window.article_list)
    window.article_list.currentItemChanged.connect(window._on_article_chosen)
    articles_heading = QLabel("Articles")
    style_heading(articles_heading)
    style_list(window.article_list)
    left = QWidget()
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(8, 8, 0, 8)
    left_layout.addWidget(articles_heading)
    left_layout.addWidget(window.article_list)

    # A title or URL of any length (a file name kept as the title, a link with its tracking
    # parameters) takes a few lines at the most, and never sets the window's width.
    window.article_title = ClampedText(max_lines=3)
    style_title(window.article_title)
    window.article_meta = ClampedText(max_lines=2)
    style_meta(window.article_meta)
    window.details_button = QPushButton("Details…")
    window.details_button.setToolTip("Edit the article's title, outlet, URL and publication date")
    window.details_button.clicked.connect(window.edit_article_details)
    window.details_button.setEnabled(False)  # until an article is shown
    header = QWidget()
    header_layout = QHBoxLayout(header)
    header_layout.setContentsMargins(16, 10, 16, 6)
    titles = QVBoxLayout()
    titles.addWidget(window.article_title)
    titles.addWidget(window.article_meta)
    header_layout.addLayout(titles, 1)
    header_layout.addWidget(window.details_button, 0, Qt.AlignmentFlag.AlignTop)

    window.article_view = ArticleView()
    window.article_view.setAccessibleName("Article text")
    centre = QWidget()
    centre_layout = QVBoxLayout(centre)
    centre_layout.setContentsMargins(0, 0, 0, 0)
    centre_layout.setSpacing(0)
    centre_layout.addWidget(header)
    centre_layout.addWidget(window.article_view, 1)
    window._centre_layout = centre_layout

    window.claim_panel = ClaimPanel()
    window.splitter = RuledSplitter(Qt.Orientation.Horizontal)
    window.splitter.setChildrenCollapsible(False)
    window.splitter.addWidget(left)
    window.splitter.addWidget(centre)
    # Scrolls when the window is short (the review docked under the panes takes height).
    window.splitter.addWidget(VerticalScrollPane(window.claim_panel))
    window.splitter.setStretchFactor(1, 1)
    window.splitter.setSizes(default_pane_widths(window.width()))
    window.setCentralWidget(window.splitter)
    # Scrolling a list by its bar leaves the keyboard in the article (or wherever it was).
    ScrollBarsKeepFocus([window.article_list, window.claim_panel.table_view], window)


def default_pane_widths(window_width: int) -> list[int]:
    """The article list's, the article's and the panel's widths before the user has set any.

    230 and 410 pixels around the article from a 1360-pixel window up; at 1024 pixels 160 and 390
    (the claims list keeps its Annotator column), and in between in proportion. In a narrower
    window the article keeps 300 pixels, taken from the panel first (down to 330), then the list.
    """
    share = min(1.0, max(0.0, (window_width - 1024) / (1360 - 1024)))
    articles, panel = round(160 + 70 * share), round(390 + 20 * share)
    short = 300 - (window_width - articles - panel)
    if short > 0:
        from_panel = min(short, panel - 330)
        panel -= from_panel
        articles -= min(short - from_panel, articles - 120)
    return [articles, window_width - articles - panel, panel]
