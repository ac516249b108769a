// The system check's line test, against our own TURN server (the server hands out
// two-minute credentials for it: `line_check`):
// - which kinds of relay the customer's network lets through: one relay-only peer
//   connection per TURN URL (UDP, TCP, TLS), each reachable if a relay candidate appears;
// - throughput, loss and round-trip time, through the first kind that answered: two
//   relay-only peer connections in this page joined by an unordered data channel
//   without retransmissions (three such loopbacks share the load, a fourth carries the
//   probes for loss and round trip). Every packet goes from
//   the page up to the TURN server and back down, so it crosses the customer's line both
//   ways, as a call's media does; sender and receiver share one clock, so each packet's
//   delay is the line's round trip. This mirrors how published network tests measure
//   (Vonage's publishes to its media server and subscribes to itself).
//
// Why a data channel and not a media track: its packets can be paced and counted exactly,
// a camera's encoder would first have to ramp up. Why not HTTP: that would measure TCP
// to our web server, not the path the call's media takes.

const GATHER_TIMEOUT_MS = 8000; // TLS through a weak line: TCP, TLS and TURN handshakes
const OPEN_TIMEOUT_MS = 8000; // ICE, DTLS and SCTP through the relay, on a lossy line too
const RTT_PHASE_MS = 800; // probes only: the round trip of an idle line
const LOAD_PHASE_MS = 2700; // probes and load paced at LOAD_KBPS: throughput
const SETTLE_MS = 600; // late packets still count
const PROBE_BYTES = 120;
const PROBE_INTERVAL_MS = 20;
// Enough to tell "picture and sound" (from 250 kbit/s, see flow.js) from less with room
// to spare; more would only load a customer's line for nothing. With the probes and
// every header (SCTP, DTLS, TURN, UDP, IP) and the acknowledgements coming back, this
// fills about 60 % of a 1 Mbit/s line: near full, the line's queue drops packets (at
// 650 kbit/s a mobile line's loop measured up to 5.7 % instead of its 2 %), and the
// line test would count its own congestion as the line's loss.
export const LOAD_KBPS = 450;
const LOAD_PACKET_BYTES = 1000;
const TICK_MS = 10;
const MAX_BUFFERED_BYTES = 64 * 1024; // beyond this the sender waits (congestion control)
// Several relayed loopbacks side by side, as speed tests open several TCP connections:
// one data channel's congestion control halves its window at every lost packet, far
// more than a call's media backs off, and would report a lossy line as slower than it is.
// The first carries only the small probes, all along: their loss is the line's as a
// steady call stream sees it, not the load's own bursts (the load's congestion control
// overshoots and its unacknowledged packets are dropped, which a call's would not be).
const LOOPBACKS = 4;

/** "udp", "tcp" or "tls" for a TURN URL. */
export function relayKind(url) {
  if (url.startsWith("turns:")) {
    return "tls";
  }
  return /[?&]transport=tcp\b/.test(url) ? "tcp" : "udp";
}

/** One ICE server per TURN URL of `servers`, with its kind. */
function serversByKind(servers) {
  return servers.flatMap((server) =>
    [server.urls].flat().map((url) => ({
      kind: relayKind(url),
      server: { urls: [url], username: server.username, credential: server.credential },
    })),
  );
}

/** Whether a relay candidate can be gathered through `server` alone. */
async function relayReachable(server) {
  const peer = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: "relay" });
  try {
    return await new Promise((resolve) => {
      const timer = window.setTimeout(() => resolve(false), GATHER_TIMEOUT_MS);
      peer.addEventListener("icecandidate", (event) => {
        if (!event.candidate) {
          window.clearTimeout(timer);
          resolve(false);
        } else if (event.candidate.type === "relay" || / typ relay /.test(event.candidate.candidate)) {
          window.clearTimeout(timer);
          resolve(true);
        }
      });
      peer.createDataChannel("reach");
      peer
        .createOffer()
        .then((offer) => peer.setLocalDescription(offer))
        .catch(() => resolve(false));
    });
  } finally {
    peer.close();
  }
}

/**
 * The whole line test: {relays, line}. `relays`: the kinds ("udp", "tcp", "tls")
 * reachable through `servers`, all tried at once; `line`: measureLine's figures through
 * the first kind that answered (null if none did). One kind only, as a call would use:
 * coturn allows a user name twelve allocations at a time (packaging/coturn), and every
 * kind in every loopback peer would need 21.
 */
export async function lineTest(servers) {
  const tried = serversByKind(servers);
  const reaching = tried.map(({ server }) => relayReachable(server));
  const first = Promise.any(
    reaching.map((reached, index) => reached.then((yes) => (yes ? tried[index].server : Promise.reject()))),
  ).catch(() => null);
  const [reached, line] = await Promise.all([
    Promise.all(reaching),
    first.then((server) => (server ? measureLine([server]) : null)),
  ]);
  const relays = [...new Set(tried.filter((_, index) => reached[index]).map(({ kind }) => kind))];
  return { relays, line };
}

function median(values) {
  if (!values.length) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Two relay-only peers of this page joined by an unreliable data channel, or null. */
async function loopback(servers) {
  const config = { iceServers: servers, iceTransportPolicy: "relay" };
  const sender = new RTCPeerConnection(config);
  const receiver = new RTCPeerConnection(config);
  const options = { ordered: false, maxRetransmits: 0, negotiated: true, id: 0 };
  const outgoing = sender.createDataChannel("line", options);
  const incoming = receiver.createDataChannel("line", options);
  outgoing.binaryType = incoming.binaryType = "arraybuffer";
  for (const [from, to] of [
    [sender, receiver],
    [receiver, sender],
  ]) {
    from.addEventListener("icecandidate", (event) => {
      if (event.candidate) {
        to.addIceCandidate(event.candidate).catch(() => {});
      }
    });
  }
  const close = () => {
    sender.close();
    receiver.close();
  };
  try {
    const offer = await sender.createOffer();
    await sender.setLocalDescription(offer);
    await receiver.setRemoteDescription(offer);
    const answer = await receiver.createAnswer();
    await receiver.setLocalDescription(answer);
    await sender.setRemoteDescription(answer);
    const opened = await new Promise((resolve) => {
      const timer = window.setTimeout(() => resolve(false), OPEN_TIMEOUT_MS);
      outgoing.addEventListener("open", () => {
        window.clearTimeout(timer);
        resolve(true);
      });
    });
    if (!opened) {
      close();
      return null;
    }
  } catch {
    close();
    return null;
  }
  return { outgoing, incoming, close };
}

/** The delays of the small packets sent before the load (the idle line's round trip). */
function probeDelays(arrivals) {
  return arrivals.filter((arrival) => arrival.bytes === PROBE_BYTES).map((arrival) => arrival.delay);
}

function packet(sequence, bytes) {
  const buffer = new ArrayBuffer(bytes);
  const view = new DataView(buffer);
  view.setUint32(0, sequence);
  view.setFloat64(4, performance.now());
  return buffer;
}

/**
 * A few seconds of packets through the relay and back: {throughputKbps, lossPercent,
 * rttMs}, or null if fewer than two relayed loopbacks could be made. `loadKbps` and `loopbacks`:
 * a lighter load for a line that already carries a call (line-adaptation.js).
 * `stopWhenQueuedMs`: stop the load as soon as the probes wait this much longer than on
 * the idle line, so a call on the same line is not starved (its sound counts as gone
 * after a second): then {queued: true, queuedAfterMs, lossPercent, rttMs}.
 */
export async function measureLine(
  servers,
  { loadKbps = LOAD_KBPS, loopbacks = LOOPBACKS, stopWhenQueuedMs = null } = {},
) {
  // On a lossy line a handshake may miss the time allowed: measure with those that
  // opened, as long as one carries the probes and one the load.
  const links = (await Promise.all(Array.from({ length: loopbacks }, () => loopback(servers)))).filter(Boolean);
  if (links.length < 2) {
    for (const link of links) {
      link.close();
    }
    return null;
  }
  const arrivals = []; // {link, sequence, delay, at, bytes}
  let lastProbe = null; // the newest arrival on the probes' link
  const sent = links.map(() => 0); // packets handed to each link
  links.forEach(({ incoming }, link) => {
    incoming.addEventListener("message", (event) => {
      const view = new DataView(event.data);
      const at = performance.now();
      const arrival = { link, sequence: view.getUint32(0), delay: at - view.getFloat64(4), at, bytes: event.data.byteLength };
      arrivals.push(arrival);
      if (link === 0) {
        lastProbe = arrival;
      }
    });
  });
  const start = performance.now();
  const loadStart = start + RTT_PHASE_MS;
  let end = loadStart + LOAD_PHASE_MS;
  let idleMs = null; // the idle line's round trip, once the load starts
  let queuedAt = null;
  // Whether the load has filled the line's queue: the newest probe waited too long, or
  // none came for as long.
  const queued = (now) => {
    idleMs ??= median(probeDelays(arrivals)) ?? 0;
    const limit = idleMs + stopWhenQueuedMs;
    return (lastProbe?.delay ?? Infinity) > limit || now - (lastProbe?.at ?? start) > limit + PROBE_INTERVAL_MS;
  };
  let loadBytes = 0;
  let nextProbe = start;
  const send = (link, bytes) => {
    links[link].outgoing.send(packet(sent[link], bytes));
    sent[link] += 1;
  };
  try {
    await new Promise((resolve) => {
      const timer = window.setInterval(() => {
        const now = performance.now();
        const open = links.map((_, link) => link).filter((link) => links[link].outgoing.readyState === "open");
        if (stopWhenQueuedMs !== null && now >= loadStart && queued(now)) {
          queuedAt = now;
          end = now;
        }
        if (now >= end || !open.length) {
          window.clearInterval(timer);
          resolve();
          return;
        }
        if (now >= nextProbe && open.includes(0)) {
          send(0, PROBE_BYTES);
          nextProbe += PROBE_INTERVAL_MS;
        }
        const loading = open.filter((link) => link > 0);
        if (now < loadStart || !loading.length) {
          return;
        }
        // Pace by the clock, not the timer: a late tick sends what was due meanwhile,
        // each packet on the link whose congestion control holds back least.
        const due = ((now - loadStart) * loadKbps) / 8;
        while (loadBytes < due) {
          const link = loading.reduce((best, each) =>
            links[each].outgoing.bufferedAmount < links[best].outgoing.bufferedAmount ? each : best,
          );
          if (links[link].outgoing.bufferedAmount >= MAX_BUFFERED_BYTES) {
            break;
          }
          send(link, LOAD_PACKET_BYTES);
          loadBytes += LOAD_PACKET_BYTES;
        }
      }, TICK_MS);
    });
    if (queuedAt === null) {
      await new Promise((resolve) => window.setTimeout(resolve, SETTLE_MS + (median(probeDelays(arrivals)) ?? 0)));
    }
  } finally {
    for (const link of links) {
      link.close();
    }
  }
  const figures = lineFigures(arrivals, { loadStart, end });
  return queuedAt === null
    ? figures
    : { ...figures, throughputKbps: null, queued: true, queuedAfterMs: Math.round(queuedAt - loadStart) };
}

/** Throughput, loss and round trip from what arrived. */
function lineFigures(arrivals, { loadStart, end }) {
  const probes = arrivals.filter((arrival) => arrival.link === 0);
  if (!probes.length) {
    return { throughputKbps: 0, lossPercent: 100, rttMs: null };
  }
  // Probes sent after the last one that arrived may still have been queued: not counted.
  const sent = Math.max(...probes.map((probe) => probe.sequence)) + 1;
  // The loop's loss (up to the relay and down again), as Vonage's test measures it and
  // its thresholds (flow.js) assume.
  const lossPercent = (100 * (sent - new Set(probes.map((probe) => probe.sequence)).size)) / sent;
  // Throughput: what arrived in the load phase once the line had filled.
  const from = loadStart + 500;
  const loaded = arrivals.filter((arrival) => arrival.at >= from && arrival.at < end);
  const throughputKbps = end > from ? (loaded.reduce((sum, arrival) => sum + arrival.bytes, 0) * 8) / (end - from) : 0;
  const rttMs = median(probeDelays(arrivals.filter((arrival) => arrival.at - arrival.delay < loadStart)));
  return { throughputKbps, lossPercent, rttMs };
}
