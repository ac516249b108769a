"""Qt item models for the console's lists: appointments, waiting customers, messages, chat.

Every text in them comes from the server and is customer-supplied: views show it
as plain text (item views never interpret rich text in DisplayRole).
"""

from __future__ import annotations

import html
import time
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from advisor_app.ui.texts import appointment_state_label, local_day, local_time, waited
from live_protocol.states import Party
from live_protocol.views import AdvisorAppointmentView, ChatLine, VisitView

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


Row = TypeVar("Row")


class _RowsModel(QAbstractTableModel, Generic[Row]):
    """A table of rows; subclasses name the columns and render a cell."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def headers(self) -> list[str]:
        raise NotImplementedError

    def cell(self, row: Row, column: int) -> str:
        raise NotImplementedError

    def row_id(self, row: Row) -> Any:
        """What identifies a row across updates."""
        return getattr(row, "id")  # noqa: B009 - every row type has an id

    def set_rows(self, rows: list[Row]) -> None:
        """Show ``rows``. Rows are matched by their ``id``: those gone are removed, new ones
        inserted, the rest moved and refreshed in place, so a view keeps its selection
        (the advisor's chosen customer stays chosen while others come and go)."""
        wanted = {self.row_id(row) for row in rows}
        if len(wanted) != len(rows):  # not a list of records: start over
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
            return
        for position in reversed(range(len(self._rows))):
            if self.row_id(self._rows[position]) not in wanted:
                self.beginRemoveRows(QModelIndex(), position, position)
                del self._rows[position]
                self.endRemoveRows()
        known = {self.row_id(row) for row in self._rows}
        added = [row for row in rows if self.row_id(row) not in known]
        if added:
            self.beginInsertRows(QModelIndex(), len(self._rows),
                                 len(self._rows) + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()
        order = [self.row_id(row) for row in rows]
        if [self.row_id(row) for row in self._rows] != order:
            self._reorder(order)
        self._rows = list(rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, self.columnCount() - 1))

    def _reorder(self, order: list[Any]) -> None:
        """Put the rows into ``order`` (their ids), moving persistent indexes along."""
        self.layoutAboutToBeChanged.emit()
        old_ids = [self.row_id(row) for row in self._rows]
        new_position = {row_id: position for position, row_id in enumerate(order)}
        self._rows.sort(key=lambda row: new_position[self.row_id(row)])
        moved = self.persistentIndexList()
        self.changePersistentIndexList(
            moved, [self.index(new_position[old_ids[index.row()]], index.column())
                    for index in moved])
        self.layoutChanged.emit()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # The tooltip shows what a narrow column cuts short. Qt shows a tooltip as
            # rich text when it looks like markup: always hand it escaped rich text.
            text = self.cell(row, index.column())
            return text if role == Qt.ItemDataRole.DisplayRole else f"<p>{html.escape(text)}</p>"
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None


class AppointmentModel(_RowsModel[AdvisorAppointmentView]):
    """Today's appointments: time, customer, state (gebucht, wartet, …)."""

    def headers(self) -> list[str]:
        return [QCoreApplication.translate("AppointmentModel", "Zeit"),
                QCoreApplication.translate("AppointmentModel", "Kunde"),
                QCoreApplication.translate("AppointmentModel", "Status")]

    def cell(self, row: AdvisorAppointmentView, column: int) -> str:
        if column == 0:
            return local_time(row.starts_at)
        if column == 1:
            return row.customer.name
        return appointment_state_label(row.state)


class UpcomingModel(AppointmentModel):
    """The appointments of the next days: day, time, customer, state."""

    def headers(self) -> list[str]:
        return [QCoreApplication.translate("AppointmentModel", "Tag"), *super().headers()]

    def cell(self, row: AdvisorAppointmentView, column: int) -> str:
        if column == 0:
            return local_day(row.starts_at)
        return super().cell(row, column - 1)


class WaitingModel(_RowsModel[VisitView]):
    """Customers waiting for this advisor, with a live waiting time (call :meth:`tick`)."""

    def __init__(self, parent: Any = None, clock: Any = time.time) -> None:
        super().__init__(parent)
        self._clock = clock

    def headers(self) -> list[str]:
        return [QCoreApplication.translate("WaitingModel", "Kunde"),
                QCoreApplication.translate("WaitingModel", "Termin"),
                QCoreApplication.translate("WaitingModel", "Wartet seit")]

    def waiting_seconds(self, row: VisitView) -> float:
        return float(self._clock()) - row.waiting_since.timestamp()

    def cell(self, row: VisitView, column: int) -> str:
        if column == 0:
            return row.customer_name
        if column == 1:
            start = row.appointment_start
            return local_time(start) if start else QCoreApplication.translate(
                "WaitingModel", "ohne Termin")
        return waited(self.waiting_seconds(row))

    def tick(self) -> None:
        """Refresh the waiting-time column (the QTimer in the window calls this each second)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self._rows) - 1, 2),
                                  [Qt.ItemDataRole.DisplayRole])

    def visit_ids(self) -> set[int]:
        return {r.id for r in self._rows}


class MessageModel(_RowsModel[dict[str, Any]]):
    """Messages left by customers; the newest first, as the server sends them."""

    def headers(self) -> list[str]:
        return [QCoreApplication.translate("MessageModel", "Eingang"),
                QCoreApplication.translate("MessageModel", "Kunde"),
                QCoreApplication.translate("MessageModel", "Rückrufnummer"),
                QCoreApplication.translate("MessageModel", "Nachricht"),
                QCoreApplication.translate("MessageModel", "Status")]

    def cell(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return local_time(row.get("created_at"), with_date=True)
        if column == 1:
            return str(row.get("customer_name", ""))
        if column == 2:
            return str(row.get("callback_phone", ""))
        if column == 3:
            return " ".join(str(row.get("text", "")).split())
        return (QCoreApplication.translate("MessageModel", "erledigt") if row.get("handled_at")
                else QCoreApplication.translate("MessageModel", "neu"))

    def row_id(self, row: dict[str, Any]) -> Any:
        return row["id"]

    def unhandled_count(self) -> int:
        return sum(1 for r in self._rows if not r.get("handled_at"))

    def replace(self, updated: dict[str, Any]) -> None:
        for position, row in enumerate(self._rows):
            if row["id"] == updated["id"]:
                self._rows[position] = updated
                self.dataChanged.emit(self.index(position, 0),
                                      self.index(position, self.columnCount() - 1))
                return


class ChatModel(QAbstractListModel):
    """The session's chat lines, in order; "Sie" for the advisor's own lines."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[ChatLine] = []
        self.customer_name = ""

    def set_lines(self, lines: list[ChatLine]) -> None:
        self.beginResetModel()
        self._lines = sorted(lines, key=lambda line: line.id)
        self.endResetModel()

    def add_line(self, line: ChatLine) -> None:
        if any(existing.id == line.id for existing in self._lines):
            return
        self.beginInsertRows(QModelIndex(), len(self._lines), len(self._lines))
        self._lines.append(line)
        self.endInsertRows()

    def lines(self) -> list[ChatLine]:
        return list(self._lines)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            who = (QCoreApplication.translate("ChatModel", "Sie") if line.sender == Party.ADVISOR
                   else self.customer_name or QCoreApplication.translate("ChatModel", "Kunde"))
            return f"{local_time(line.sent_at)}  {who}: {line.text}"
        if role == ROW_ROLE:
            return line
        return None
