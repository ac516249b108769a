// A Chromium "advisor" for the benchmarks: the advisor's side of the live protocol
// (docs/protocol.md) in the browser. It says hello with a bearer token, accepts the first
// waiting customer, answers the customer's offer with the mirror of its directions
// (Chromium's fake camera and microphone where the customer receives, like our console
// answers), trickles its candidates and closes the call on „ended“. The customer's video
// plays in #remote at the size the console shows it; every presented frame is kept with its
// presentation time and size, and its barcode (bench/barcode.py) read.
//
// window.__vbAdvisorConfig: {token, videoWidth, videoHeight, cells, numberBits, checkBits,
// salt, threshold, bandDivisor, bandMin}. The figures are in window.__vbAdvisor.visits[visitId].

const config = window.__vbAdvisorConfig;
const epoch = (at) => performance.timeOrigin + at;
const state = { ready: false, visits: {}, visit: null, peer: null, errors: [], accepting: null };
window.__vbAdvisor = state;

const video = document.getElementById("remote");
video.style.width = `${config.videoWidth}px`;
video.style.height = `${config.videoHeight}px`;
let iceServers = [];
let local = null;
let pendingCandidates = [];

// The barcode -----------------------------------------------------------------------------

const reader = document.createElement("canvas");
reader.width = config.cells * 4;
reader.height = 3;
const readerContext = reader.getContext("2d", { willReadFrequently: true });

function checkOf(number) {
  return ((number >> 16) ^ (number >> 8) ^ number ^ config.salt) & 0xff;
}

function readNumber(width, height) {
  const band = Math.max(config.bandMin, Math.floor(height / config.bandDivisor));
  readerContext.drawImage(video, 0, band / 3, width, band / 3, 0, 0, reader.width, reader.height);
  const pixels = readerContext.getImageData(0, 0, reader.width, reader.height).data;
  const bits = [];
  for (let cell = 0; cell < config.cells; cell += 1) {
    let sum = 0;
    for (const x of [cell * 4 + 1, cell * 4 + 2]) {
      sum += pixels[(reader.width + x) * 4 + 1]; // the middle row, green
    }
    bits.push(sum > config.threshold * 2 ? 1 : 0);
  }
  if (bits[0] !== 1 || bits[config.cells - 1] !== 0) {
    return null;
  }
  let payload = 0;
  for (const bit of bits.slice(1, -1)) {
    payload = payload * 2 + bit;
  }
  const number = Math.floor(payload / 2 ** config.checkBits);
  return payload % 2 ** config.checkBits === checkOf(number) ? number : null;
}

function watch(record) {
  if (record.watched) {
    return; // a new peer connection of the same visit: the callback chain still runs
  }
  record.watched = true;
  const onFrame = (at, meta) => {
    if (state.visit?.id !== record.id) {
      return;
    }
    record.firstFrame ??= epoch(at);
    record.size = [meta.width, meta.height];
    record.shown.push([epoch(meta.presentationTime), meta.width, meta.height]);
    record.presentedFrames = meta.presentedFrames;
    const number = readNumber(meta.width, meta.height);
    if (number !== null) {
      record.frames.push([number, epoch(meta.presentationTime)]);
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

// The protocol -----------------------------------------------------------------------------

const socket = new WebSocket(`ws://${window.location.host}/ws/advisor`);
const send = (message) => socket.send(JSON.stringify(message));
let chain = Promise.resolve();
socket.addEventListener("open", () => send({ type: "hello", protocol: 1, token: config.token }));
socket.addEventListener("message", (event) => {
  const message = JSON.parse(event.data);
  chain = chain.then(() => receive(message)).catch((error) => state.errors.push(String(error)));
});
window.setInterval(() => send({ type: "ping" }), 15000);

async function receive(message) {
  switch (message.type) {
    case "welcome":
      iceServers = message.ice_servers ?? [];
      local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      state.ready = true;
      break;
    case "waiting_room":
      if (message.waiting.length && !message.session && state.accepting === null) {
        state.accepting = message.waiting[0].id;
        send({ type: "accept", visit_id: state.accepting });
      }
      break;
    case "accepted":
    case "session_started":
      state.accepting = null;
      state.visit = message.visit;
      state.visits[message.visit.id] ??= {
        id: message.visit.id, frames: [], shown: [], firstFrame: null, watched: false,
      };
      break;
    case "signal":
      if (message.description?.type === "offer") {
        await answer(message.description.sdp);
      } else if (message.candidate?.candidate) {
        if (state.peer?.remoteDescription) {
          await state.peer.addIceCandidate(message.candidate).catch(() => {});
        } else {
          pendingCandidates.push(message.candidate);
        }
      }
      break;
    case "ended":
      closePeer();
      state.visit = null;
      break;
    case "error":
      state.errors.push(`${message.code}: ${message.message}`);
      state.accepting = null;
      break;
    default:
      break;
  }
}

/** The direction of each m-section of an offer, in order. */
function offeredDirections(sdp) {
  return sdp
    .split(/\r?\nm=/)
    .slice(1)
    .map((section) => section.match(/a=(sendrecv|sendonly|recvonly|inactive)/)?.[1] ?? "sendrecv");
}

async function answer(sdp) {
  closePeer();
  const visitId = state.visit.id;
  const record = state.visits[visitId];
  const peer = new RTCPeerConnection({ iceServers });
  state.peer = peer;
  const remote = new MediaStream();
  peer.addEventListener("icecandidate", (event) => {
    if (event.candidate?.candidate && state.peer === peer) {
      const { candidate, sdpMid, sdpMLineIndex } = event.candidate;
      send({ type: "signal", visit_id: visitId, candidate: { candidate, sdpMid, sdpMLineIndex } });
    }
  });
  peer.addEventListener("track", (event) => {
    remote.addTrack(event.track);
    if (video.srcObject !== remote) {
      video.srcObject = remote;
      watch(record);
      video.play().catch((error) => state.errors.push(`play: ${error}`));
    }
  });
  await peer.setRemoteDescription({ type: "offer", sdp });
  const directions = offeredDirections(sdp);
  const transceivers = peer.getTransceivers();
  for (const [index, transceiver] of transceivers.entries()) {
    const offered = directions[index];
    const receives = offered === "sendrecv" || offered === "sendonly";
    const sends = offered === "sendrecv" || offered === "recvonly";
    transceiver.direction = sends
      ? (receives ? "sendrecv" : "sendonly")
      : (receives ? "recvonly" : "inactive");
    if (sends) {
      const kind = transceiver.receiver.track.kind;
      await transceiver.sender.replaceTrack(local.getTracks().find((t) => t.kind === kind));
    }
  }
  await peer.setLocalDescription(await peer.createAnswer());
  send({ type: "signal", visit_id: visitId, description: { type: "answer", sdp: peer.localDescription.sdp } });
  for (const candidate of pendingCandidates.splice(0)) {
    await peer.addIceCandidate(candidate).catch(() => {});
  }
}

function closePeer() {
  state.peer?.close();
  state.peer = null;
  pendingCandidates = [];
  video.srcObject = null;
}

/** The current peer connection's inbound-rtp statistics, audio and video. */
window.__vbAdvisorInbound = async () => {
  const found = {};
  if (state.peer) {
    (await state.peer.getStats()).forEach((entry) => {
      if (entry.type === "inbound-rtp") {
        found[entry.kind] = JSON.parse(JSON.stringify(entry));
      }
    });
  }
  return found;
};

/** End the current visit (a failed run's clean-up). */
window.__vbEndVisit = () => {
  if (state.visit) {
    send({ type: "end", visit_id: state.visit.id });
  }
};
