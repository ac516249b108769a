// Init script for the customer's page: the camera becomes a canvas stream (30 fps) that
// carries its frame number as a barcode in a band at the top (bench/barcode.py reads it),
// over a moving picture so the encoder has work to do. Every frame's paint time is kept
// (performance.timeOrigin + now(), ms) in window.__vbCamera.paintedAt[number].
// The microphone stays Chromium's fake one. Needs window.__vbCameraConfig (barcode.py's
// page_config, optionally with kbps or startKbps) set by an earlier init script.
(() => {
  const config = window.__vbCameraConfig;
  if (!config || !navigator.mediaDevices?.getUserMedia) {
    return;
  }
  const { width, height, fps, cells, numberBits, checkBits, salt, band } = config;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { alpha: false });
  const state = { paintedAt: [], number: 0, started: null, errors: [] };
  window.__vbCamera = state;

  // A scene like a person in front of a wall: a soft background, a large shape that
  // sways, a bar that sweeps down, the frame number in big digits.
  const background = context.createLinearGradient(0, 0, width, height);
  background.addColorStop(0, "#d9e2ec");
  background.addColorStop(1, "#829ab1");

  function checkOf(number) {
    return ((number >> 16) ^ (number >> 8) ^ number ^ salt) & 0xff;
  }

  function paintCode(number) {
    const payload = number * 2 ** checkBits + checkOf(number);
    const bits = [1];
    for (let shift = numberBits + checkBits - 1; shift >= 0; shift -= 1) {
      bits.push(Math.floor(payload / 2 ** shift) % 2);
    }
    bits.push(0);
    for (let index = 0; index < cells; index += 1) {
      const left = Math.floor((index * width) / cells);
      const right = Math.floor(((index + 1) * width) / cells);
      context.fillStyle = bits[index] ? "#fff" : "#000";
      context.fillRect(left, 0, right - left, band);
    }
  }

  function paint() {
    const number = state.number;
    const phase = (number / fps) * Math.PI * 0.5;
    context.fillStyle = background;
    context.fillRect(0, 0, width, height);
    context.fillStyle = "#bc8a5f";
    context.beginPath();
    context.ellipse(width * (0.5 + 0.1 * Math.sin(phase)), height * 0.55, width * 0.16,
      height * 0.28, 0, 0, 2 * Math.PI);
    context.fill();
    context.fillStyle = "#334e68";
    context.fillRect(width * (0.3 + 0.1 * Math.sin(phase)), height * 0.8, width * 0.4, height * 0.2);
    context.fillStyle = "rgba(255, 255, 255, 0.6)";
    const bar = Math.max(8, Math.floor(height / 20));
    context.fillRect(0, band + ((number * 3) % (height - band - bar)), width, bar);
    context.fillStyle = "#102a43";
    context.font = `${Math.floor(height / 10)}px sans-serif`;
    context.fillText(String(number), width / 20, height - height / 10);
    paintCode(number);
    state.paintedAt[number] = performance.timeOrigin + performance.now();
    state.number = number + 1;
  }

  function tick() {
    paint();
    const due = state.started + (state.number * 1000) / fps;
    window.setTimeout(tick, Math.max(0, due - performance.now()));
  }

  // The VP8 parameters of the answer the page applies, as if the advisor had sent them:
  // with config.kbps the stream is pinned to that bitrate (x-google-min/start/max-bitrate)
  // and its size (the sender keeps its resolution; the default would scale down first),
  // so two receivers get the same stream; with config.startKbps only the start bitrate is
  // set (x-google-start-bitrate), as a proposed console answer would.
  const Peer = window.RTCPeerConnection;
  const rate = config.kbps
    ? `x-google-min-bitrate=${config.kbps};x-google-start-bitrate=${config.kbps};` +
      `x-google-max-bitrate=${config.kbps}`
    : config.startKbps && `x-google-start-bitrate=${config.startKbps}`;
  if (Peer && rate) {
    const setRemoteDescription = Peer.prototype.setRemoteDescription;
    Peer.prototype.setRemoteDescription = function (description) {
      if (description?.type !== "answer") {
        return setRemoteDescription.call(this, description);
      }
      let sdp = description.sdp;
      for (const [, type] of sdp.matchAll(/a=rtpmap:(\d+) VP8\/90000/g)) {
        const fmtp = new RegExp(`a=fmtp:${type} ([^\\r\\n]*)`);
        sdp = fmtp.test(sdp)
          ? sdp.replace(fmtp, `a=fmtp:${type} $1;${rate}`)
          : sdp.replace(`a=rtpmap:${type} VP8/90000`, `a=rtpmap:${type} VP8/90000\r\na=fmtp:${type} ${rate}`);
      }
      return setRemoteDescription.call(this, { type: "answer", sdp });
    };
  }
  if (Peer && config.kbps) {
    const addTransceiver = Peer.prototype.addTransceiver;
    Peer.prototype.addTransceiver = function (trackOrKind, init) {
      const transceiver = addTransceiver.call(this, trackOrKind, init);
      if (typeof trackOrKind !== "string" && trackOrKind.kind === "video") {
        const parameters = transceiver.sender.getParameters();
        parameters.degradationPreference = "maintain-resolution";
        transceiver.sender.setParameters(parameters).catch((error) => {
          state.errors.push(String(error));
        });
      }
      return transceiver;
    };
  }

  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = new MediaStream();
    if (constraints?.audio) {
      for (const track of (await original({ audio: constraints.audio })).getAudioTracks()) {
        stream.addTrack(track);
      }
    }
    if (constraints?.video) {
      if (state.started === null) {
        state.started = performance.now();
        tick();
      }
      for (const track of canvas.captureStream(fps).getVideoTracks()) {
        stream.addTrack(track);
      }
    }
    return stream;
  };
})();
