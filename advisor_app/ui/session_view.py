"""The session: the customer's picture, the advisor's own preview, the chat, controls."""

from __future__ import annotations

import av
from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from advisor_app.media import SessionStats
from advisor_app.media.flow import MediaFlow
from advisor_app.media.stats import LineQuality, line_quality
from advisor_app.media.voice_activity import MicrophoneNotice
from advisor_app.ui.level_meter import LevelMeter
from advisor_app.ui.models import ChatModel
from advisor_app.ui.texts import (
    breakable,
    consent_statements,
    local_time,
    microphone_notice_text,
)
from advisor_app.ui.video import VideoWidget
from live_protocol.states import ConnectionMode
from live_protocol.views import VisitView


def plain_label(text: str = "", object_name: str = "") -> QLabel:
    """A label that never interprets its text (customer-supplied text goes here)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if object_name:
        label.setObjectName(object_name)
    return label


def stats_text(stats: SessionStats) -> str:
    """The quality line: the line in words first, then the figures behind them."""
    words = {
        LineQuality.GOOD: QCoreApplication.translate("SessionView", "Verbindung gut"),
        LineQuality.WEAK: QCoreApplication.translate("SessionView", "Verbindung schwach"),
        LineQuality.VERY_WEAK: QCoreApplication.translate("SessionView",
                                                          "Verbindung sehr schwach"),
    }
    quality = line_quality(stats)
    rtt = "–" if stats.round_trip_time is None else f"{stats.round_trip_time * 1000:.0f} ms"
    figures = QCoreApplication.translate(
        "SessionView", "RTT {rtt} · empfangen {down:.0f} kbit/s · gesendet {up:.0f} kbit/s · "
        "Verlust {loss:.1f} % · {fps:.0f} Bilder/s").format(
        rtt=rtt, down=stats.inbound_bitrate / 1000, up=stats.outbound_bitrate / 1000,
        loss=stats.fraction_lost * 100, fps=stats.frames_per_second)
    return figures if quality is None else f"{words[quality]} · {figures}"


CHAT_WIDTH = 300
CHAT_MINIMUM_WIDTH = 220


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped to the view's width (QListView alone elides);
    a very long word is broken too (Qt wraps only between words)."""

    # The style sheet's vertical item padding and the list's spacing.
    VERTICAL_ROOM = 14

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = max(80, self._view.viewport().width() - 8)
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.rect = QRect(0, 0, width, 100_000)
        # Measure at the width the style will paint at (its padding, its text margins).
        style = self._view.style()
        text_width = (style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item,
                                           self._view).width()
                      - 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin,
                                               item, self._view) + 1))
        bounds = item.fontMetrics.boundingRect(
            QRect(0, 0, text_width, 100_000), Qt.TextFlag.TextWordWrap,
            item.text)
        return QSize(width, bounds.height() + self.VERTICAL_ROOM)

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = breakable(option.text)


class SessionView(QWidget):
    """Shows one visit; emits intent (chat, mute, camera, end) for the controller."""

    chatRequested = Signal(str)
    microphoneToggled = Signal(bool)  # True: microphone on
    cameraToggled = Signal(bool)  # True: camera on
    endRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session")
        self.chat_model = ChatModel(self)
        self.visit: VisitView | None = None

        self.customer_video = VideoWidget(self.tr("Noch kein Gespräch"))
        self.own_video = VideoWidget(self.tr("Ihre Kamera"))
        self.own_video.setFixedSize(192, 144)
        self.own_video.setObjectName("preview")

        self.name = plain_label(object_name="customerName")
        self.phone = plain_label()
        self.consent = plain_label()
        self.allowed = plain_label(object_name="allowed")
        self.quality = plain_label(object_name="quality")
        self.device_notice = plain_label(object_name="deviceNotice")
        self.device_notice.hide()
        # While the customer's picture and sound do not arrive: what is going on.
        self.media_state = plain_label(object_name="mediaState")
        self.media_state.setAccessibleName(self.tr("Verbindungsstatus"))
        self.media_state.hide()
        # The customer's line too weak for picture: what their page does about it.
        self.customer_line_weak = False
        self.line_notice = plain_label(object_name="lineNotice")
        self.line_notice.setAccessibleName(self.tr("Verbindung des Kunden"))
        self.line_notice.hide()
        # Narrow chat column or long names: wrap, never cut off.
        for label in (self.name, self.phone, self.consent, self.allowed, self.quality,
                      self.device_notice, self.media_state, self.line_notice):
            label.setWordWrap(True)

        self.chat_view = QListView()
        self.chat_view.setModel(self.chat_model)
        self.chat_view.setWordWrap(True)
        # Lines wrap to the width of the view; never scroll sideways.
        self.chat_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.chat_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chat_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.chat_view.setItemDelegate(WrappingDelegate(self.chat_view))
        self.chat_view.setSpacing(2)
        self.chat_view.setObjectName("chat")
        self.chat_view.setAccessibleName(self.tr("Chat-Verlauf"))
        self.chat_input = QLineEdit()
        self.chat_input.setPlaceholderText(self.tr("Nachricht an den Kunden …"))
        self.chat_input.setMaxLength(2000)
        self.chat_input.setAccessibleName(self.tr("Nachricht an den Kunden"))
        self.send_button = QPushButton(self.tr("Senden"))
        self.chat_input.returnPressed.connect(self._send)
        self.send_button.clicked.connect(self._send)

        self.mute_button = QPushButton(self.tr("&Stumm"))
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(lambda muted: self.microphoneToggled.emit(not muted))
        self.microphone_level = LevelMeter()
        self.microphone_level.setFixedWidth(60)
        # "You are muted" while the advisor talks into the muted microphone; a silent or
        # clipping microphone.
        self.microphone_notice = plain_label(object_name="microphoneNotice")
        self.microphone_notice.setWordWrap(True)
        self.microphone_notice.hide()
        self.camera_button = QPushButton(self.tr("Ka&mera aus"))
        self.camera_button.setCheckable(True)
        self.camera_button.toggled.connect(lambda off: self.cameraToggled.emit(not off))
        self.end_button = QPushButton(self.tr("Gespräch &beenden"))
        self.end_button.setObjectName("danger")
        self.end_button.clicked.connect(self.endRequested)

        details = QFormLayout()
        details.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        details.addRow(self.tr("Kunde"), self.name)
        details.addRow(self.tr("Rückrufnummer"), self.phone)
        details.addRow(self.tr("Einwilligung"), self.consent)
        details.addRow(self.tr("Freigabe"), self.allowed)

        video_area = QFrame()
        video_area.setObjectName("videoArea")
        video_layout = QVBoxLayout(video_area)
        video_layout.setContentsMargins(0, 0, 0, 0)
        video_layout.addWidget(self.media_state)
        video_layout.addWidget(self.line_notice)
        video_layout.addWidget(self.customer_video, 1)
        controls = QHBoxLayout()
        controls.addWidget(self.mute_button)
        controls.addWidget(self.microphone_level)
        controls.addWidget(self.camera_button)
        controls.addStretch(1)
        controls.addWidget(self.end_button)
        video_layout.addWidget(self.microphone_notice)
        video_layout.addWidget(self.device_notice)
        video_layout.addWidget(self.quality)
        self.video_area = video_area

        preview_row = QHBoxLayout()
        preview_row.addWidget(self.own_video)
        preview_row.addStretch(1)

        chat_input_row = QHBoxLayout()
        chat_input_row.addWidget(self.chat_input, 1)
        chat_input_row.addWidget(self.send_button)
        right_panel = QWidget()
        right_panel.setMinimumWidth(CHAT_MINIMUM_WIDTH)
        right = QVBoxLayout(right_panel)
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(preview_row)
        right.addLayout(details)
        chat_title = QLabel(self.tr("Chat"))
        chat_title.setObjectName("sectionTitle")
        right.addWidget(chat_title)
        right.addWidget(self.chat_view, 1)
        right.addLayout(chat_input_row)
        self.text_only_note = plain_label(self.tr(
            "Textgespräch – es werden weder Bild noch Ton übertragen."), "sectionTitle")
        self.text_only_note.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # The picture takes what the chat leaves; the advisor can narrow the chat.
        picture = QWidget()
        picture_layout = QVBoxLayout(picture)
        picture_layout.setContentsMargins(0, 0, 0, 0)
        picture_layout.addWidget(video_area, 1)
        picture_layout.addWidget(self.text_only_note, 1)
        # Below the picture, so a text session can be ended too.
        picture_layout.addLayout(controls)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("sessionSplitter")
        self.splitter.addWidget(picture)
        self.splitter.addWidget(right_panel)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([10_000, CHAT_WIDTH])
        self.chat_panel = right_panel
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.splitter)
        self.show_visit(None)

    def _send(self) -> None:
        text = self.chat_input.text()
        if text.strip():
            self.chatRequested.emit(text)
            self.chat_input.clear()

    def show_visit(self, visit: VisitView | None) -> None:
        """Show ``visit`` (None: no session)."""
        self.visit = visit
        active = visit is not None
        self.name.setText(breakable(visit.customer_name) if visit else "–")
        self.phone.setText(visit.customer_phone if visit else "–")
        consent_at = visit.consent_at if visit else None
        self.consent.setText(local_time(consent_at, with_date=True) if consent_at else "–")
        self.allowed.setText("\n".join(consent_statements(visit)) if visit else "–")
        self.chat_model.customer_name = visit.customer_name if visit else ""
        video = visit is not None and visit.mode == ConnectionMode.VIDEO
        sees_advisor = video and visit is not None and visit.see_advisor
        self.video_area.setVisible(video or not active)
        self.text_only_note.setVisible(active and not video)
        self.own_video.setVisible(sees_advisor)
        self.mute_button.setEnabled(video)
        self.mute_button.setVisible(video or not active)
        self.camera_button.setVisible(video or not active)
        self.microphone_level.setVisible(video)
        if not video:
            self.microphone_level.show_level(0.0)
            self.show_microphone_notice(None)
        self.camera_button.setEnabled(sees_advisor)
        self.end_button.setEnabled(active)
        self.chat_input.setEnabled(active)
        self.send_button.setEnabled(active)
        if video and visit is not None and not visit.show_me:
            self.customer_video.set_placeholder(self.tr("Der Kunde überträgt kein Bild."))
        elif visit is not None and visit.mode is None:
            self.customer_video.set_placeholder(self.tr("Der Kunde wählt die Verbindung …"))
        elif not active:
            self.customer_video.set_placeholder(self.tr("Noch kein Gespräch"))
        if not video:
            self.customer_video.clear()
            self.quality.setText("")
            self.show_media_flow(None)
            self.customer_line_weak = False
        self._render_customer_line()

    def show_device_notice(self, text: str) -> None:
        """A camera, microphone or speaker changed under the advisor (until the session ends)."""
        self.device_notice.setText(text)
        self.device_notice.setVisible(bool(text))

    def session_ended(self) -> None:
        self.show_device_notice("")
        self.customer_line_weak = False
        self.show_visit(None)
        self.customer_video.clear()
        self.own_video.clear()
        self.customer_video.set_placeholder(self.tr("Das Gespräch ist beendet."))

    def show_customer_frame(self, frame: av.VideoFrame) -> None:
        self.customer_video.show_frame(frame)

    def show_own_frame(self, frame: av.VideoFrame | None) -> None:
        if frame is None:
            self.own_video.clear()
        else:
            self.own_video.show_frame(frame)

    def show_microphone_level(self, rms: float) -> None:
        self.microphone_level.show_level(rms)

    def show_microphone_notice(self, notice: MicrophoneNotice | None) -> None:
        """Show what the advisor should know about their microphone; None hides it."""
        text = microphone_notice_text(notice) if notice is not None else ""
        self.microphone_notice.setText(text)
        self.microphone_notice.setAccessibleName(text)
        self.microphone_notice.setVisible(notice is not None)
    def show_media_flow(self, flow: MediaFlow | None) -> None:
        """Say so while the customer's media is connecting or interrupted, and warn while
        their picture is frozen."""
        texts = {
            MediaFlow.CONNECTING: self.tr("Bild und Ton werden verbunden …"),
            MediaFlow.INTERRUPTED: self.tr(
                "Verbindung wird wiederhergestellt … Bild und Ton des Kunden kommen gerade "
                "nicht an; der Chat funktioniert weiter."),
            MediaFlow.FROZEN: self.tr(
                "Das Bild des Kunden steht: Es kommen keine neuen Bilder an, der Ton schon."),
        }
        text = texts.get(flow, "") if flow is not None else ""
        self.media_state.setText(text)
        self.media_state.setVisible(bool(text))
        self.media_state.setProperty("interrupted", flow == MediaFlow.INTERRUPTED)

    def show_customer_line(self, weak: bool) -> None:
        """The customer's page found their line too weak for picture, or carrying it again."""
        self.customer_line_weak = weak
        self._render_customer_line()

    def _render_customer_line(self) -> None:
        visit = self.visit
        text = ""
        if self.customer_line_weak and visit is not None:
            if not (visit.see_advisor or visit.show_me):
                text = self.tr(
                    "Nur Ton: Die Verbindung des Kunden ist zu schwach für Bild. Seine Seite "
                    "schaltet das Bild von selbst wieder ein, sobald die Verbindung es trägt.")
            else:
                text = self.tr(
                    "Die Verbindung des Kunden ist zu schwach für Bild: Ihm wird „Nur Ton "
                    "übertragen“ angeboten.")
        self.line_notice.setText(text)
        self.line_notice.setVisible(bool(text))

    def show_stats(self, stats: SessionStats) -> None:
        self.quality.setText(stats_text(stats))
