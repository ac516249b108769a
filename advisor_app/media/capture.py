"""The advisor's camera, microphone and speaker through QtMultimedia.

:class:`VideoInput` and :class:`AudioInput` open a device (or the synthetic source,
which feeds the *same* QVideoSink / PCM path a device does) and publish frames into
a :class:`~advisor_app.media.local.FrameFanOut`: the preview, the level meter and
the outgoing WebRTC tracks all read from there. :class:`AudioOutput` plays the
customer's voice on the chosen speaker, or measures it silently without one.

Everything here lives on the GUI thread, which is also the asyncio (qasync) thread;
QtMultimedia's own threads hand frames over through queued signals.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

import av
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import QIODevice, QObject, Qt, QTimer, Signal
from PySide6.QtMultimedia import (
    QAudioFormat,
    QAudioSink,
    QAudioSource,
    QCamera,
    QMediaCaptureSession,
    QtAudio,
    QVideoFrame,
    QVideoSink,
)

from advisor_app.media.convert import (
    AUDIO_RATE,
    PcmChunker,
    PcmWriter,
    frame_to_image,
    image_to_frame,
)
from advisor_app.media.devices import (
    SYNTHETIC,
    camera_device,
    microphone_device,
    speaker_device,
)
from advisor_app.media.local import FrameFanOut
from advisor_app.media.received import SlidingRms
from advisor_app.media.switch import black_like
from advisor_app.media.synthetic import draw_frame, tone_pcm
from advisor_app.media.voice_processing import VoiceProcessor

log = logging.getLogger(__name__)

BLANK_FPS = 5
SPEAKER_BUFFER_SECONDS = 0.2
LEVEL_WINDOW_SECONDS = 0.3


def pcm_format() -> QAudioFormat:
    """Mono 16-bit PCM at 48 kHz: what Opus carries, so nothing is resampled twice."""
    audio_format = QAudioFormat()
    audio_format.setSampleRate(AUDIO_RATE)
    audio_format.setChannelCount(1)
    audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return audio_format


class VideoInput(QObject):
    """A camera (or the test picture) as frames for the preview and the sender.

    ``set_blank(True)`` is "camera off": the device is closed (its light goes out)
    and black frames of the same size keep the outgoing stream alive.
    """

    frameReady = Signal(object)  # av.VideoFrame, for the preview
    failed = Signal(str)

    def __init__(self, device: str = SYNTHETIC, size: tuple[int, int] = (640, 480),
                 fps: float = 30, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self.size = size
        self.fps = fps
        self.fanout = FrameFanOut("video")
        self.frames = 0
        self.blank = False
        self._sink = QVideoSink(self)
        # Cameras deliver on a worker thread; queued, the frame is handled here.
        self._sink.videoFrameChanged.connect(self._on_video_frame,
                                             Qt.ConnectionType.QueuedConnection)
        self._session: QMediaCaptureSession | None = None
        self._camera: QCamera | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._generate)
        self._generated = 0
        self._scaler = VideoReformatter()
        self._last: av.VideoFrame | None = None
        self.running = False

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        self._open()

    def stop(self) -> None:
        self.running = False
        self._close()

    def use_device(self, device: str) -> None:
        """Switch to ``device``; a running input reopens, its readers carry on."""
        if device == self.device:
            return
        self.device = device
        if self.running:
            self._close()
            self._open()

    def set_blank(self, blank: bool) -> None:
        if blank == self.blank:
            return
        self.blank = blank
        if self.running:
            self._close()
            self._open()

    def close(self) -> None:
        """Stop and end every outgoing track fed from here."""
        self.stop()
        self.fanout.close()

    def _open(self) -> None:
        if self.blank:
            self._timer.start(round(1000 / BLANK_FPS))
            return
        camera = camera_device(self.device) if self.device != SYNTHETIC else None
        if camera is None:
            if self.device != SYNTHETIC:
                self.failed.emit(self.tr("Die gewählte Kamera ist nicht angeschlossen."))
            self._timer.start(round(1000 / self.fps))
            return
        self._camera = QCamera(camera, self)
        self._camera.errorOccurred.connect(self._on_camera_error)
        self._session = QMediaCaptureSession(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._camera.start()

    def _close(self) -> None:
        self._timer.stop()
        if self._camera is not None:
            self._camera.stop()
            self._camera.deleteLater()
            self._camera = None
        if self._session is not None:
            self._session.deleteLater()
            self._session = None

    def _on_camera_error(self, _error: QCamera.Error, text: str) -> None:
        log.warning("camera error: %s", text)
        self.failed.emit(self.tr("Die Kamera meldet einen Fehler: {text}").format(text=text))
        self._close()
        self.blank = True
        if self.running:
            self._open()

    def _generate(self) -> None:
        """The synthetic source (or black while blank), through the camera's sink."""
        if self.blank:
            picture = black_like(self._last or av.VideoFrame(*self.size, "yuv420p"))
        else:
            picture = draw_frame(self._generated, *self.size)
            self._generated += 1
        image = frame_to_image(picture, (picture.width, picture.height), self._scaler)
        self._sink.setVideoFrame(QVideoFrame(image))

    def _on_video_frame(self, video_frame: QVideoFrame) -> None:
        if not self.running or not video_frame.isValid():
            return
        image = video_frame.toImage()
        if image.isNull():
            return
        frame = image_to_frame(image)
        self._last = frame
        self.frames += 1
        self.fanout.publish(frame)
        self.frameReady.emit(frame)


SyntheticSound = Callable[[int, int], bytes]  # (first sample, count) → PCM


def tone_sound(first: int, count: int) -> bytes:
    return tone_pcm(first, count, sample_rate=AUDIO_RATE)


class AudioInput(QObject):
    """A microphone (or the synthetic sound, the test tone unless told otherwise) as
    20 ms frames, with a live level (0–1).

    With a :class:`VoiceProcessor`, the microphone is processed (echo, noise, gain)
    before the level meter and the outgoing tracks see it. The test tone is not: no room
    carries the speaker into it, and the noise suppression would fade a steady tone out.
    Any other synthetic sound (``synthetic`` here, or set as :attr:`synthetic_sound`
    later: speech, silence, a clipped signal, a simulated room) stands in for a
    microphone and is processed like one. :attr:`device_listeners` get the PCM as the
    device delivered it, before processing.
    """

    levelChanged = Signal(float)
    failed = Signal(str)

    def __init__(self, device: str = SYNTHETIC, parent: QObject | None = None,
                 processor: VoiceProcessor | None = None,
                 synthetic: SyntheticSound | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self.processor = processor
        self.synthetic_sound: SyntheticSound = synthetic or tone_sound
        self.device_listeners: list[Callable[[bytes], None]] = []
        self.fanout = FrameFanOut("audio")
        self.level = 0.0
        self.frames = 0
        self._chunker = PcmChunker()
        self._rms = SlidingRms(LEVEL_WINDOW_SECONDS)
        self._source: QAudioSource | None = None
        self._io: QIODevice | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._generate)
        self._tone_started = 0.0
        self._tone_samples = 0
        self.running = False

    def use_device(self, device: str) -> None:
        """Switch to ``device``; a running input reopens, its readers carry on."""
        if device == self.device:
            return
        self.device = device
        if self.running:
            self.stop()
            self.start()

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        microphone = microphone_device(self.device) if self.device != SYNTHETIC else None
        if microphone is not None:
            self._source = QAudioSource(microphone, pcm_format(), self)
            self._io = self._source.start()
            if self._io is not None:
                self._io.readyRead.connect(self._read)
                return
            self.failed.emit(self.tr("Das Mikrofon lässt sich nicht öffnen."))
            self._source = None
        elif self.device != SYNTHETIC:
            self.failed.emit(self.tr("Das gewählte Mikrofon ist nicht angeschlossen."))
        self._tone_started = time.monotonic()
        self._tone_samples = 0
        self._timer.start(20)

    def stop(self) -> None:
        self.running = False
        self._timer.stop()
        if self._source is not None:
            self._source.stop()
            self._source.deleteLater()
        self._source, self._io = None, None
        self.level = 0.0
        self.levelChanged.emit(0.0)

    def close(self) -> None:
        self.stop()
        self.fanout.close()

    def _read(self) -> None:
        if self._io is not None:
            self._feed(bytes(self._io.readAll().data()))

    def _generate(self) -> None:
        """The synthetic sound, paced by the clock (timers run late, samples must not)."""
        due = int((time.monotonic() - self._tone_started) * AUDIO_RATE)
        count = due - self._tone_samples
        if count > 0:
            self._feed(self.synthetic_sound(self._tone_samples, count),
                       process=self.synthetic_sound is not tone_sound)
            self._tone_samples = due

    def _feed(self, pcm: bytes, process: bool = True) -> None:
        for listener in self.device_listeners:
            listener(pcm)
        if process and self.processor is not None:
            pcm = self.processor.process(pcm)
        frames = self._chunker.feed(pcm)
        for frame in frames:
            self.frames += 1
            self.level = self._rms.add(frame)
            self.fanout.publish(frame)
        if frames:
            self.levelChanged.emit(self.level)


class AudioOutput(QObject):
    """Plays the customer's voice on a speaker; without one, only measures it.

    At most :data:`SPEAKER_BUFFER_SECONDS` wait to be played: when that much is queued,
    a frame is dropped rather than letting the delay grow. Every listener in
    :attr:`played` gets the PCM when it starts to sound, not when it is written: a
    speaker plays what it is given back to back, so a burst of frames (the network
    delivers them so) sounds one after the other. The echo canceller's far end must
    follow the sound, or the echo's delay would jump with every burst. Without a
    device the same clock runs, as a speaker would. Dropped frames are not played.
    """

    def __init__(self, device: str = SYNTHETIC, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self.played: list[Callable[[bytes], None]] = []
        self.level = 0.0
        self.samples_played = 0
        self.samples_dropped = 0
        self._writer = PcmWriter()
        self._rms = SlidingRms()
        self._sink: QAudioSink | None = None
        self._io: QIODevice | None = None
        self.running = False
        self._test_tone = QTimer(self)
        self._test_tone.setTimerType(Qt.TimerType.PreciseTimer)
        self._test_tone.timeout.connect(self._next_test_frame)
        self._test_samples = 0
        self._test_started = 0.0
        # What was written and when it starts to sound (time.monotonic()), for played.
        self._sounding: deque[tuple[float, bytes]] = deque()
        self._sounding_until = 0.0
        # When the PCM now handed to the listeners started to sound (time.monotonic()):
        # a timer that fires late hands it over late, the sound itself was on time.
        self.sounding_at = 0.0
        self._release = QTimer(self)
        self._release.setTimerType(Qt.TimerType.PreciseTimer)
        self._release.timeout.connect(self._release_sounding)

    def use_device(self, device: str) -> None:
        """Play on ``device`` from now on."""
        if device == self.device:
            return
        playing = self.running
        self.stop()
        self.device = device
        if playing:
            self.start()

    @property
    def has_device(self) -> bool:
        return self._io is not None

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        speaker = speaker_device(self.device) if self.device != SYNTHETIC else None
        if speaker is None:
            return
        self._sink = QAudioSink(speaker, pcm_format(), self)
        self._sink.setBufferSize(int(AUDIO_RATE * 2 * SPEAKER_BUFFER_SECONDS))
        self._io = self._sink.start()
        if self._io is None or self._sink.error() != QtAudio.Error.NoError:
            log.warning("the speaker could not be opened: %s", self._sink.error())
            self._sink, self._io = None, None

    def stop(self) -> None:
        self.running = False
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
        self._sink, self._io = None, None
        self.level = 0.0
        self._release.stop()
        self._sounding.clear()
        self._sounding_until = 0.0

    def play_test_tone(self) -> bool:
        """One second of a tone through the same path as the customer's voice;
        False when there is no speaker to hear it on."""
        self.start()
        self._test_samples = 0
        self._test_started = time.monotonic()
        self._test_tone.start(20)
        return self.has_device

    def _next_test_frame(self) -> None:
        """The 20 ms frames of the tone that are due, paced by the clock (a timer that
        fires late on a busy machine must not leave gaps in the tone)."""
        samples = AUDIO_RATE // 50
        due = min(AUDIO_RATE, int((time.monotonic() - self._test_started) * AUDIO_RATE))
        while self._test_samples + samples <= max(due, samples):
            frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
            frame.planes[0].update(tone_pcm(self._test_samples, samples, frequency=660,
                                            sample_rate=AUDIO_RATE))
            frame.sample_rate = AUDIO_RATE
            self._test_samples += samples
            self.play(frame)
        if self._test_samples >= AUDIO_RATE:
            self._test_tone.stop()

    def play(self, frame: av.AudioFrame) -> None:
        """One decoded frame of the customer's audio."""
        pcm = self._writer.convert(frame)
        samples = len(pcm) // 2
        self.level = self._rms.add(frame)
        now = time.monotonic()
        starts = max(now, self._sounding_until)
        if self._io is not None and self._sink is not None:
            full = self._sink.bytesFree() < len(pcm)
        else:
            full = starts - now + samples / AUDIO_RATE > SPEAKER_BUFFER_SECONDS
        if full:
            self.samples_dropped += samples
            return
        if self._io is not None:
            self._io.write(pcm)
        self.samples_played += samples
        self._sounding.append((starts, pcm))
        self._sounding_until = starts + samples / AUDIO_RATE
        self._release_sounding()
        if self._sounding and not self._release.isActive():
            self._release.start(5)

    def _release_sounding(self) -> None:
        """Hand the listeners every frame that has started to sound."""
        now = time.monotonic()
        while self._sounding and self._sounding[0][0] <= now:
            self.sounding_at, pcm = self._sounding.popleft()
            for listener in self.played:
                listener(pcm)
        if not self._sounding:
            self._release.stop()
