"""pyqtgraph drawing of the Charts screen (imported only when the Charts page opens)."""
