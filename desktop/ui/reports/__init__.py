"""PDF reports painted with Qt alone (QPdfWriter, QPainter, QTextDocument): no dependency beyond PySide6."""
