"""The main window: waiting customers and the appointments (today, live; the next days)
on the left, the session and the messages inbox in tabs on the right."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QItemSelection, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from advisor_app.ui.messages import MessagesView
from advisor_app.ui.models import AppointmentModel, UpcomingModel, WaitingModel
from advisor_app.ui.session_view import SessionView, plain_label
from advisor_app.ui.window_size import (
    SIDEBAR_MINIMUM_WIDTH,
    default_size,
    minimum_size,
    sidebar_width,
)
from live_protocol.views import AdvisorAppointmentView, VisitView


def _table(model: Any, stretch: int = 1) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # Tab leaves the table (arrow keys move within it); Qt's default would trap it.
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    # One line per row: a narrow column cuts a name short ("Erika Muste…"), the tooltip
    # shows it whole; wrapping would cut it at the first word.
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class MainWindow(QMainWindow):
    """Shows the models; emits intent. The controller connects to these signals."""

    acceptRequested = Signal(int)  # visit id
    bookingRequested = Signal()
    settingsRequested = Signal()
    signOutRequested = Signal()
    quitRequested = Signal()
    customerStartedWaiting = Signal(str)  # the customer's name
    closing = Signal()

    def __init__(self, advisor_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main")
        self.setWindowTitle(self.tr("Videoberatung – Berater-Konsole"))
        self.appointments = AppointmentModel(self)
        self.upcoming = UpcomingModel(self)
        self.waiting = WaitingModel(self)
        self._known_waiting: set[int] | None = None

        toolbar = QToolBar(self.tr("Aktionen"))
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.book_action = QAction(self.tr("Termin buchen …"), self)
        self.book_action.triggered.connect(self.bookingRequested)
        toolbar.addAction(self.book_action)
        self.settings_action = QAction(self.tr("Einstellungen …"), self)
        self.settings_action.triggered.connect(self.settingsRequested)
        toolbar.addAction(self.settings_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.advisor_label = plain_label(advisor_name, "advisorName")
        toolbar.addWidget(self.advisor_label)
        self.sign_out_action = QAction(self.tr("Abmelden"), self)
        self.sign_out_action.triggered.connect(self.signOutRequested)
        toolbar.addAction(self.sign_out_action)
        self.quit_action = QAction(self.tr("Beenden"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.quitRequested)
        self.console_menu = self.menuBar().addMenu(self.tr("&Konsole"))
        self.console_menu.addActions([self.book_action, self.settings_action])
        self.console_menu.addSeparator()
        self.console_menu.addActions([self.sign_out_action, self.quit_action])

        self.appointment_table = _table(self.appointments)
        self.upcoming_table = _table(self.upcoming, stretch=2)
        self.waiting_table = _table(self.waiting, stretch=0)
        self.waiting_table.selectionModel().selectionChanged.connect(self._on_waiting_selection)
        self.waiting_table.doubleClicked.connect(lambda _: self._accept())
        self.waiting_table.activated.connect(lambda _: self._accept())  # Enter on a row
        # Names for screen readers (the titles above are separate labels).
        self.waiting_table.setAccessibleName(self.tr("Wartende Kunden"))
        self.appointment_table.setAccessibleName(self.tr("Termine heute"))
        self.upcoming_table.setAccessibleName(self.tr("Termine der nächsten Tage"))
        self.accept_button = QPushButton(self.tr("&Annehmen"))
        self.accept_button.setObjectName("primary")
        self.accept_button.setEnabled(False)
        self.accept_button.clicked.connect(self._accept)

        left = QWidget()
        left.setObjectName("sidebar")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 12, 12, 12)
        self.waiting_title = QLabel(self.tr("Wartende Kunden"))
        self.waiting_title.setObjectName("sectionTitle")
        left_layout.addWidget(self.waiting_title)
        left_layout.addWidget(self.waiting_table, 2)
        accept_row = QHBoxLayout()
        accept_row.addStretch(1)
        accept_row.addWidget(self.accept_button)
        left_layout.addLayout(accept_row)
        appointments_title = QLabel(self.tr("Termine"))
        appointments_title.setObjectName("sectionTitle")
        left_layout.addWidget(appointments_title)
        self.appointment_tabs = QTabWidget()
        self.appointment_tabs.setObjectName("appointmentTabs")
        self.appointment_tabs.addTab(self.appointment_table, "")
        self.appointment_tabs.addTab(self.upcoming_table, "")
        left_layout.addWidget(self.appointment_tabs, 3)
        self.set_appointments([])
        self.set_upcoming([])

        self.session_view = SessionView()
        self.messages_view = MessagesView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.session_view, self.tr("Gespräch"))
        self.tabs.addTab(self.messages_view, "")
        self.messages_view.unreadChanged.connect(self.set_unread)
        self.set_unread(0)
        self._add_view_menu()

        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        left.setMinimumWidth(SIDEBAR_MINIMUM_WIDTH)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.connection_label = plain_label(self.tr("Verbinde …"))
        self.statusBar().addPermanentWidget(self.connection_label)
        self.fit_to(self.screen().availableGeometry())

        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.waiting.tick)
        self._ticker.start()

    def _add_view_menu(self) -> None:
        """Ctrl+1/2/3 put the keyboard focus on the waiting customers, the session's chat
        and the messages: the console works without a mouse."""
        menu = self.menuBar().addMenu(self.tr("A&nsicht"))
        places = (
            (self.tr("Wartende Kunden"), "Ctrl+1", self.focus_waiting),
            (self.tr("Gespräch"), "Ctrl+2", self.focus_session),
            (self.tr("Nachrichten"), "Ctrl+3", self.focus_messages),
        )
        self.view_actions = []
        for title, keys, go in places:
            action = QAction(title, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(go)
            menu.addAction(action)
            self.view_actions.append(action)

    def focus_waiting(self) -> None:
        table = self.waiting_table
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not table.selectionModel().hasSelection() and self.waiting.rowCount():
            table.selectRow(max(table.currentIndex().row(), 0))

    def focus_session(self) -> None:
        self.tabs.setCurrentWidget(self.session_view)
        self.session_view.chat_input.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_messages(self) -> None:
        self.tabs.setCurrentWidget(self.messages_view)
        self.messages_view.focus_list()

    def fit_to(self, available: QRect) -> None:
        """Size the window for a screen whose free area is ``available``, and centre it."""
        size = default_size(available.size())
        self.setMinimumSize(minimum_size(available.size()))
        self.resize(size)
        left = sidebar_width(size.width())
        self.splitter.setSizes([left, size.width() - left])
        self.move(available.x() + (available.width() - size.width()) // 2,
                  available.y() + (available.height() - size.height()) // 2)

    # Showing -----------------------------------------------------------------------

    def set_waiting(self, rows: list[VisitView]) -> None:
        known = self._known_waiting
        chosen = self.selected_visit_id()
        self.waiting.set_rows(rows)
        if chosen is not None and chosen not in self.waiting.visit_ids():
            # The view would select the next customer in its place: choosing is the advisor's.
            self.waiting_table.clearSelection()
        self._known_waiting = self.waiting.visit_ids()
        if known is not None:
            for row in rows:
                if row.id not in known:
                    self.customerStartedWaiting.emit(row.customer_name)
        self.waiting_title.setText(self.tr("Wartende Kunden ({count})").format(count=len(rows)))
        self._on_waiting_selection()

    def set_appointments(self, rows: list[AdvisorAppointmentView]) -> None:
        self.appointments.set_rows(rows)
        self.appointment_tabs.setTabText(
            0, self.tr("Heute ({count})").format(count=len(rows)))

    def set_upcoming(self, rows: list[AdvisorAppointmentView]) -> None:
        self.upcoming.set_rows(rows)
        self.appointment_tabs.setTabText(
            1, self.tr("Nächste Tage ({count})").format(count=len(rows)))

    def set_unread(self, count: int) -> None:
        title = (self.tr("Nachrichten ({count})").format(count=count) if count
                 else self.tr("Nachrichten"))
        self.tabs.setTabText(self.tabs.indexOf(self.messages_view), title)

    def set_connected(self, connected: bool) -> None:
        self.connection_label.setText(self.tr("Verbunden") if connected
                                      else self.tr("Verbindung unterbrochen – verbinde neu …"))

    def show_session(self, visit: VisitView) -> None:
        self.session_view.show_visit(visit)
        self.tabs.setCurrentWidget(self.session_view)

    def show_problem(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def layout_state(self) -> QByteArray:
        """The advisor's split between the lists and the session, for QSettings."""
        return self.splitter.saveState()

    def restore_layout_state(self, state: QByteArray) -> bool:
        return self.splitter.restoreState(state)

    # Intent ------------------------------------------------------------------------

    def selected_visit_id(self) -> int | None:
        rows = self.waiting_table.selectionModel().selectedRows()
        return self.waiting.row_at(rows[0].row()).id if rows else None

    def _on_waiting_selection(self, *_: QItemSelection) -> None:
        self.accept_button.setEnabled(self.selected_visit_id() is not None)

    def _accept(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is not None:
            self.acceptRequested.emit(visit_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
