// Init script for the customer's page. Once armed (window.__vbArm(), just before the
// click), it notes in window.__vbTimes, as performance.timeOrigin + now() (ms): the click
// on „Gewählte Verbindung aufbauen“, the peer connection's milestones and the first frame
// of the advisor's video that the page presents. window.__vbPeers keeps the call's peer
// connections for getStats().
(() => {
  const now = () => performance.timeOrigin + performance.now();
  let times = null;
  window.__vbPeers = [];

  window.__vbArm = () => {
    times = {};
    window.__vbTimes = times;
    const video = document.getElementById("remote-video");
    video.requestVideoFrameCallback((at, meta) => {
      times.firstRemoteFrame = performance.timeOrigin + at;
      times.firstRemoteFrameSize = [meta.width, meta.height];
    });
  };

  document.addEventListener(
    "click",
    (event) => {
      if (times && !times.click && event.target.closest?.("#choice-submit")) {
        times.click = now();
      }
    },
    true,
  );

  const NativeSocket = window.WebSocket;
  const send = NativeSocket.prototype.send;
  NativeSocket.prototype.send = function (data) {
    if (times && !times.offerSent && typeof data === "string" && data.includes('"offer"')) {
      times.offerSent = now();
    }
    return send.call(this, data);
  };

  const Native = window.RTCPeerConnection;
  if (!Native) {
    return;
  }
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      if (!times) {
        return; // the system check's probe, not the call
      }
      window.__vbPeers.push(this);
      const mark = (name) => {
        if (times && !(name in times)) {
          times[name] = now();
        }
      };
      mark("peerCreated");
      this.addEventListener("signalingstatechange", () => {
        if (this.signalingState === "stable") {
          mark("answerApplied");
        }
      });
      this.addEventListener("iceconnectionstatechange", () => {
        if (this.iceConnectionState === "connected") {
          mark("iceConnected");
        }
      });
      this.addEventListener("connectionstatechange", () => {
        if (this.connectionState === "connected") {
          mark("connected");
        }
      });
    }
  };
})();
