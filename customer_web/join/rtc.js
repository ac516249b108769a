// Picture and sound: the browser offers exactly what the customer chose. Sound both ways
// always; the own camera only if the advisor may see the customer ("show_me"), the
// advisor's camera only if the customer wants to see them ("see_advisor").

import { mediaInterrupted, qualityBars } from "./flow.js";
import { listenToMicrophone } from "./mic-watch.js";

const WATCH_EVERY_MS = 250;

/** The video transceiver's direction for the customer's choices, or null for none. */
export function videoDirection({ seeAdvisor, showMe }) {
  if (seeAdvisor && showMe) {
    return "sendrecv";
  }
  if (showMe) {
    return "sendonly";
  }
  return seeAdvisor ? "recvonly" : null;
}

/** Bytes received on the peer connection's transports so far. */
async function bytesReceived(peer) {
  let bytes = 0;
  (await peer.getStats()).forEach((entry) => {
    if (entry.type === "transport") {
      bytes += entry.bytesReceived ?? 0;
    }
  });
  return bytes;
}

export class MediaCall {
  /**
   * `sendSignal(payload)` sends {description} or {candidate}; `onRemoteStream(stream)`,
   * `onLocalStream(stream)`, `onState(state)` and `onMicrophone(watch)` (what the own
   * microphone hears, muted or not: mic-watch.js) report to the view; `onInterrupted()` is
   * called once when a call that was flowing stops receiving (see `watch`), and the state
   * stays "reconnecting" until media flows again on this or a new peer connection
   * (`offer()` again, which the visit does). `iceServers` and
   * `iceTransportPolicy` come from the server's media_config: with "relay" (the server's
   * VB_ICE_TRANSPORT_POLICY) media flows only through the TURN server. `acquire(wanted)`
   * returns the own stream (local-media.js reuses the system check's microphone).
   */
  constructor({
    iceServers, iceTransportPolicy, choice, sendSignal, onRemoteStream, onLocalStream, onState,
    onMicrophone,
    onInterrupted,
    acquire = (wanted) => navigator.mediaDevices.getUserMedia(wanted),
  }) {
    this.iceServers = iceServers ?? [];
    this.iceTransportPolicy = iceTransportPolicy ?? "all";
    this.choice = choice;
    this.sendSignal = sendSignal;
    this.onRemoteStream = onRemoteStream;
    this.onLocalStream = onLocalStream;
    this.onState = onState;
    this.onMicrophone = onMicrophone;
    this.stopListening = null;
    this.onInterrupted = onInterrupted ?? (() => {});
    this.acquire = acquire;
    this.local = null;
    this.peer = null;
    this.pendingCandidates = [];
    this.muted = false;
    this.cameraOff = false;
    this.flowing = false; // media arrived and still arrives
    this.interrupted = false; // it flowed, then stopped; not yet back
    this.offeredAt = 0;
    this.watchTimer = null;
    this.lastSample = null;
  }

  /** Open the microphone (and the camera only if the advisor may see the customer). */
  async openDevices() {
    const wanted = { audio: true, video: this.choice.showMe };
    try {
      this.local = await this.acquire(wanted);
    } catch {
      // Without a microphone the customer can still listen (and chat).
      this.local = new MediaStream();
      this.onState("no-microphone");
    }
    this.applyTrackSwitches();
    this.onLocalStream(this.local);
    const microphone = this.local.getAudioTracks()[0];
    if (microphone && this.onMicrophone) {
      this.stopListening = listenToMicrophone(microphone, this.onMicrophone);
    }
  }

  /** A fresh peer connection and offer (first start, reconnect, or a changed choice). */
  async offer() {
    this.offeredAt = performance.now();
    this.closePeer();
    if (!this.local) {
      await this.openDevices();
    }
    const peer = new RTCPeerConnection({
      iceServers: this.iceServers,
      iceTransportPolicy: this.iceTransportPolicy,
    });
    this.peer = peer;
    this.pendingCandidates = [];
    const remote = new MediaStream();
    peer.addEventListener("track", (event) => {
      remote.addTrack(event.track);
      this.onRemoteStream(remote);
    });
    peer.addEventListener("icecandidate", (event) => {
      if (event.candidate?.candidate && this.peer === peer) {
        const { candidate, sdpMid, sdpMLineIndex } = event.candidate;
        this.sendSignal({ candidate: { candidate, sdpMid, sdpMLineIndex } });
      }
    });
    peer.addEventListener("connectionstatechange", () => {
      if (this.peer === peer) {
        this.report(peer.connectionState);
      }
    });
    const audio = this.local.getAudioTracks()[0];
    // Sound before picture: where the line is short, the browser gives the sound its
    // share first and marks its packets for the networks that honour it (DSCP).
    peer.addTransceiver(audio ?? "audio", {
      direction: audio ? "sendrecv" : "recvonly",
      streams: [this.local],
      sendEncodings: [{ priority: "high", networkPriority: "high" }],
    });
    const direction = videoDirection(this.choice);
    if (direction) {
      const video = this.choice.showMe ? this.local.getVideoTracks()[0] : null;
      peer.addTransceiver(video ?? "video", {
        direction: video || direction === "recvonly" ? direction : "recvonly",
        streams: [this.local],
      });
    }
    await peer.setLocalDescription(await peer.createOffer());
    this.report("connecting");
    this.sendSignal({ description: { type: "offer", sdp: peer.localDescription.sdp } });
    this.watch(peer);
  }

  /** The state for the view; while interrupted it stays "reconnecting" until media flows. */
  report(state) {
    this.onState(this.interrupted && state !== "no-microphone" ? "reconnecting" : state);
  }

  /**
   * Every quarter second: does anything still arrive? An address change leaves ICE
   * "disconnected" for a long time and never "failed", and an outage may not even reach
   * "disconnected" before it ends, so the bytes received are what counts (the advisor
   * always sends sound, muted or not, and RTCP besides).
   */
  watch(peer) {
    window.clearInterval(this.watchTimer);
    let received = -1;
    let progressAt = performance.now();
    this.watchTimer = window.setInterval(async () => {
      const bytes = await bytesReceived(peer).catch(() => received);
      if (this.peer !== peer) {
        return;
      }
      const now = performance.now();
      if (bytes > received) {
        received = bytes;
        progressAt = now;
      }
      const down = mediaInterrupted({
        iceState: peer.iceConnectionState,
        silentMs: now - progressAt,
        received: bytes > 0,
      });
      if (this.flowing && down) {
        this.flowing = false;
        this.interrupted = true;
        this.report("reconnecting");
        this.onInterrupted();
      } else if (!this.flowing && !down && bytes > 0 && peer.connectionState === "connected") {
        this.flowing = true;
        this.interrupted = false;
        this.report("connected");
      }
    }, WATCH_EVERY_MS);
  }

  /** A `signal` from the advisor: the answer or a candidate. */
  async handleSignal(message) {
    const peer = this.peer;
    if (!peer) {
      return;
    }
    if (message.description?.type === "answer") {
      await peer.setRemoteDescription(message.description);
      for (const candidate of this.pendingCandidates.splice(0)) {
        await peer.addIceCandidate(candidate).catch(() => {});
      }
    } else if (message.candidate) {
      if (!message.candidate.candidate) {
        return;
      }
      if (peer.remoteDescription) {
        await peer.addIceCandidate(message.candidate).catch(() => {});
      } else {
        this.pendingCandidates.push(message.candidate);
      }
    }
  }

  /** Put a fresh device track where one of its kind ended (the page was in the background). */
  async replaceLocalTrack(track) {
    for (const old of this.local?.getTracks() ?? []) {
      if (old.kind === track.kind) {
        this.local.removeTrack(old);
        old.stop();
      }
    }
    this.local ??= new MediaStream();
    this.local.addTrack(track);
    this.applyTrackSwitches();
    const transceiver = this.peer
      ?.getTransceivers()
      .find((candidate) => candidate.receiver.track?.kind === track.kind);
    await transceiver?.sender.replaceTrack(track);
    this.onLocalStream(this.local);
    if (track.kind === "audio" && this.onMicrophone) {
      this.stopListening?.();
      this.stopListening = listenToMicrophone(track, this.onMicrophone);
    }
  }

  setMuted(muted) {
    this.muted = muted;
    this.applyTrackSwitches();
  }

  setCameraOff(off) {
    this.cameraOff = off;
    this.applyTrackSwitches();
  }

  applyTrackSwitches() {
    for (const track of this.local?.getAudioTracks() ?? []) {
      track.enabled = !this.muted;
    }
    for (const track of this.local?.getVideoTracks() ?? []) {
      track.enabled = !this.cameraOff;
    }
  }

  /** 0–3 bars from the selected candidate pair's round trip and the inbound packet loss. */
  async quality() {
    if (!this.peer) {
      return 0;
    }
    const report = await this.peer.getStats();
    let roundTrip = null;
    let lost = 0;
    let received = 0;
    report.forEach((entry) => {
      if (entry.type === "candidate-pair" && entry.nominated && entry.state === "succeeded") {
        roundTrip = entry.currentRoundTripTime ?? roundTrip;
      }
      if (entry.type === "inbound-rtp") {
        lost += entry.packetsLost ?? 0;
        received += entry.packetsReceived ?? 0;
      }
    });
    const loss = received + lost > 0 ? lost / (received + lost) : 0;
    return qualityBars({ roundTrip, loss });
  }

  /**
   * What the line carries for the picture now (line-adaptation.js pictureKbps()):
   * {sendingVideo, availableOutgoingKbps, receivingVideo, receivedVideoKbps}; the received
   * rate is over the time since the previous call.
   */
  async lineSample() {
    const peer = this.peer;
    if (!peer) {
      return null;
    }
    let availableOutgoingKbps = null;
    let videoBytes = 0;
    (await peer.getStats()).forEach((entry) => {
      if (entry.type === "candidate-pair" && entry.nominated && entry.state === "succeeded") {
        if (entry.availableOutgoingBitrate !== undefined) {
          availableOutgoingKbps = entry.availableOutgoingBitrate / 1000;
        }
      }
      if (entry.type === "inbound-rtp" && entry.kind === "video") {
        videoBytes += entry.bytesReceived ?? 0;
      }
    });
    const now = performance.now();
    const previous = this.lastSample?.peer === peer ? this.lastSample : null;
    this.lastSample = { peer, at: now, videoBytes };
    return {
      sendingVideo: Boolean(this.choice.showMe && !this.cameraOff && this.local?.getVideoTracks().length),
      availableOutgoingKbps,
      receivingVideo: Boolean(this.choice.seeAdvisor),
      receivedVideoKbps: previous ? ((videoBytes - previous.videoBytes) * 8) / (now - previous.at) : null,
    };
  }

  closePeer() {
    window.clearInterval(this.watchTimer);
    this.peer?.close();
    this.peer = null;
  }

  stop() {
    this.closePeer();
    this.stopListening?.();
    this.stopListening = null;
    for (const track of this.local?.getTracks() ?? []) {
      track.stop();
    }
    this.local = null;
  }
}
