"""Help → Clinical rules: docs/clinical-rules.md in a window of its own, rendered from Markdown by Qt, with find.

Non-modal: a clinician reads a rule beside the patient it applies to. One window per main window; asking again
brings it to the front.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QKeySequence,
    QPalette,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextLength,
    QTextTable,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, RULES_VERSION
from desktop.resources import clinical_rules_path
from desktop.ui.single_window import show_single

CELL_PADDING = 4


def load_rules(document: QTextDocument, path: Path) -> bool:
    """Fill `document` with the rules (GitHub Markdown, as Qt reads it) and give its tables ruled cells and a
    shaded header row; a note instead when the file cannot be read. True when the rules were loaded."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        document.setMarkdown(
            f"# Clinical rules not found\n\nVenTrack looked for `{path}` and could not read it ({error.strerror}). "
            "The rules are `docs/clinical-rules.md` of the VenTrack sources."
        )
        return False
    document.setMarkdown(text, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
    header = QApplication.palette().color(QPalette.ColorRole.Button)
    for frame in document.rootFrame().childFrames():
        if isinstance(frame, QTextTable):
            _rule_table(frame, header)
    return True


def _rule_table(table: QTextTable, header_colour: object) -> None:
    table_format = table.format()
    table_format.setBorder(1)
    table_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
    table_format.setBorderCollapse(True)
    table_format.setCellSpacing(0)
    table_format.setCellPadding(CELL_PADDING)
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    table_format.setHeaderRowCount(1)
    table.setFormat(table_format)
    for column in range(table.columns()):
        cell = table.cellAt(0, column)
        cell_format = cell.format()
        cell_format.setBackground(header_colour)  # type: ignore[arg-type]
        cell.setFormat(cell_format)


class RulesWindow(QWidget):
    """The clinical rules the app implements, with a find bar (Ctrl+F, Enter / F3 next, Shift+Enter previous)."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("clinical_rules")
        self.setWindowTitle(f"{APP_NAME}: clinical rules (version {RULES_VERSION})")
        self.path = path or clinical_rules_path()
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.document().setDocumentMargin(12)
        self.loaded = load_rules(self.browser.document(), self.path)
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)  # setMarkdown leaves it at the end
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find in the rules (Ctrl+F)")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(self._highlight)
        self.find_edit.returnPressed.connect(self.find_next)
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.find_edit)
        previous = QPushButton("&Previous")
        previous.clicked.connect(self.find_previous)
        following = QPushButton("&Next")
        following.clicked.connect(self.find_next)
        self.matches = QLabel()
        row = QHBoxLayout()
        row.addWidget(find_label)
        row.addWidget(self.find_edit, 1)
        row.addWidget(previous)
        row.addWidget(following)
        row.addWidget(self.matches)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self._focus_find)
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindNext), self, self.find_next)
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindPrevious), self, self.find_previous)
        QShortcut(QKeySequence("Shift+Return"), self.find_edit, self.find_previous)
        self._fit_to_screen()

    def find_next(self) -> bool:
        """Select the next occurrence of the find text (wrapping round); False when there is none."""
        return self._find(QTextDocument.FindFlag(0))

    def find_previous(self) -> bool:
        """Select the previous occurrence of the find text (wrapping round)."""
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        needle = self.find_edit.text()
        if not needle:
            return False
        if self.browser.find(needle, flags):
            return True
        cursor = self.browser.textCursor()  # wrap round from the other end
        backward = bool(flags & QTextDocument.FindFlag.FindBackward)
        cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(needle, flags)

    def _highlight(self, needle: str) -> None:
        """Mark every occurrence and count them."""
        selections = []
        if needle:
            marked = QTextCharFormat()
            marked.setBackground(Qt.GlobalColor.yellow)
            marked.setForeground(Qt.GlobalColor.black)
            cursor = self.browser.document().find(needle)
            while not cursor.isNull():
                selection = QTextEdit.ExtraSelection()
                selection.cursor, selection.format = cursor, marked  # type: ignore[misc]
                selections.append(selection)
                cursor = self.browser.document().find(needle, cursor)
        self.browser.setExtraSelections(selections)
        count = len(selections)
        self.matches.setText("" if not needle else "not found" if not count else f"{count} found")
        if count:
            start = self.browser.textCursor()
            start.setPosition(start.selectionStart())  # search again from where the last match began
            self.browser.setTextCursor(start)
            self.find_next()

    def _focus_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def _fit_to_screen(self) -> None:
        screen = (self.parentWidget() or self).screen().availableGeometry()
        self.resize(min(1100, screen.width() - 80), min(900, screen.height() - 80))


def show_rules(parent: QWidget) -> RulesWindow:
    """Show the rules window of `parent` (created on first use), in front."""
    return show_single(parent, RulesWindow, "clinical_rules")
