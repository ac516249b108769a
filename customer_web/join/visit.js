// The customer's visit from the system check to the end: connects the WebSocket, the
// step machine (flow.js), the media call (rtc.js) and the views of each step.

import { t } from "../common/i18n.js";
import { ChatLog } from "./chat.js";
import { Connection, forgetVisitToken, recallVisitToken, rememberVisitToken } from "./connection.js";
import { DeviceResume } from "./device-resume.js";
import { announce, byId } from "./dom.js";
import { nextStep, Step } from "./flow.js";
import { LineWatch } from "./line-watch.js";
import { LocalMedia } from "./local-media.js";
import { PROTOCOL_VERSION } from "./protocol.js";
import { MediaCall } from "./rtc.js";
import { SpeakerChoice } from "./speaker-choice.js";
import "./texts.js";
import { CheckView } from "./view-check.js";
import { ChoiceView } from "./view-choice.js";
import { EndView } from "./view-end.js";
import { SessionView } from "./view-session.js";
import { SignInView } from "./view-signin.js";
import { WaitingView } from "./view-waiting.js";

const WELCOME_TIMEOUT_MS = 10 * 1000;
const LINE_SERVERS_TIMEOUT_MS = 3000;
const QUALITY_EVERY_MS = 2000;
// Bringing picture and sound back after they stopped (see recoverMedia).
const RECOVERY_EVERY_MS = 1000;
const PROBE_TIMEOUT_MS = 600;
const CONNECT_PATIENCE_MS = 2000;
const REOFFER_AFTER_MS = 4000;
const LANDING_PARTS = ["view", "loading", "unknown"];
const ENTERED = Symbol("entered"); // the handler showed its step itself
// Until these steps the microphone of the system check is kept for the call.
const KEEPS_MICROPHONE = [Step.CHECK, Step.SIGN_IN, Step.WAITING, Step.CHOICE, Step.SESSION];

class Visit {
  constructor({ joinToken, config }) {
    this.joinToken = joinToken;
    this.step = Step.LANDING;
    this.visit = null;
    this.iceServers = [];
    this.iceTransportPolicy = "all";
    this.chat = new ChatLog();
    this.call = null;
    this.qualityTimer = null;
    this.recoveryTimer = null;
    this.signInReply = null;
    this.welcomeWaiters = [];
    this.connection = new Connection({
      hello: () => this.hello(),
      onMessage: (message) => this.receive(message),
      onState: (state) => this.connectionState(state),
    });
    this.localMedia = new LocalMedia();
    this.speaker = new SpeakerChoice({ row: byId("speaker-choice"), select: byId("speaker-select") });
    this.devices = new DeviceResume({ call: () => this.call, notice: byId("device-notice") });
    this.lineServerWaiters = [];
    this.check = new CheckView({
      onNext: () => this.goTo(Step.SIGN_IN),
      localMedia: this.localMedia,
      speaker: this.speaker,
      lineServers: () => this.askLineServers(),
    });
    this.signIn = new SignInView({ submit: (message) => this.sendSignIn(message) });
    this.waiting = new WaitingView({ send: (message) => this.connection.send(message) });
    this.choice = new ChoiceView({
      recommended: () => this.check.recommendation,
      onChoose: (choice) => this.connection.send({ type: "choose_connection", ...choice }),
      onCancel: () => this.goTo(Step.SESSION),
    });
    this.session = new SessionView({
      timeZone: config.timezone,
      onSend: (text) => this.sendChat(text),
      onMute: (muted) => this.call?.setMuted(muted),
      onCamera: (off) => this.call?.setCameraOff(off),
      onSwitch: () => {
        this.choice.show(this.visit?.advisor_name, { switching: true });
        this.goTo(Step.CHOICE);
      },
      onHangUp: () => this.connection.send({ type: "end" }),
    });
    this.lineWatch = new LineWatch({
      call: () => this.call,
      iceServers: () => this.iceServers,
      send: (message) => this.connection.send(message),
      choose: (choice) => this.connection.send({ type: "choose_connection", ...choice }),
      onSoundOnly: (soundOnly) => this.session.setSoundOnlyForLine(soundOnly),
      memoryKey: this.joinToken,
    });
    this.end = new EndView({ rate: (stars) => this.connection.send({ type: "rate", stars }) });
    byId("gone-restart").addEventListener("click", () => {
      forgetVisitToken(this.joinToken);
      window.location.reload();
    });
  }

  hello() {
    const visitToken = recallVisitToken(this.joinToken);
    return visitToken
      ? { type: "hello", protocol: PROTOCOL_VERSION, visit_token: visitToken }
      : { type: "hello", protocol: PROTOCOL_VERSION, join_token: this.joinToken };
  }

  /** „Chat starten“: the system check, which also opens the connection. */
  startCheck() {
    this.goTo(Step.CHECK);
    const welcomed = new Promise((resolve) => {
      this.welcomeWaiters.push(resolve);
      window.setTimeout(() => resolve(null), WELCOME_TIMEOUT_MS);
    });
    this.connection.open();
    this.check.run(this.connection, welcomed);
  }

  /** The TURN servers for the system check's line test; null if refused or not answered
   * within LINE_SERVERS_TIMEOUT_MS (a walk-in gets none). */
  askLineServers() {
    return new Promise((resolve) => {
      this.lineServerWaiters.push(resolve);
      window.setTimeout(() => resolve(null), LINE_SERVERS_TIMEOUT_MS);
      this.connection.send({ type: "line_check" });
    });
  }

  /** A reload or a new tab of a visit already signed in: straight back to its step. */
  resume() {
    this.connection.open();
  }

  goTo(step) {
    if (step === this.step) {
      return;
    }
    if (this.step === Step.CHECK) {
      this.check.leave();
    }
    this.step = step;
    if (!KEEPS_MICROPHONE.includes(step)) {
      this.localMedia.release();
    }
    for (const id of LANDING_PARTS) {
      byId(id).hidden = true;
    }
    for (const section of document.querySelectorAll("[data-step]")) {
      section.hidden = section.dataset.step !== step;
    }
    // The new step's heading takes the focus: screen readers read it out, and the next
    // Tab goes to the step's first control.
    const shown = document.querySelector(`[data-step="${step}"]`);
    const heading = shown?.querySelector("h1") ?? shown;
    heading?.setAttribute("tabindex", "-1");
    heading?.focus();
    window.scrollTo(0, 0);
    if ([Step.MESSAGE_SENT, Step.GAVE_UP].includes(step)) {
      this.connection.close();
    }
  }

  // Server messages -----------------------------------------------------------------

  /** Every server message, by type (protocol.js's SERVER_TO_CUSTOMER lists them all). */
  receive(message) {
    const handle = this.handlers[message.type];
    if (!handle) {
      return; // a newer server may say more than this page knows
    }
    const next = nextStep(this.step, message);
    if (handle.call(this, message, next) === ENTERED) {
      return;
    }
    if (message.type === "signed_in" || (message.type === "error" && message.in_reply_to === "sign_in")) {
      this.signInReply?.(message);
      this.signInReply = null;
    }
    this.goTo(next);
  }

  handlers = {
    welcome(message, next) {
      for (const resolve of this.welcomeWaiters.splice(0)) {
        resolve(message);
      }
      if (message.step === "visit") {
        this.visit = message.visit;
        this.chat.reset(message.chat_history ?? []);
        this.resendPending();
        this.enter(next, message);
      } else {
        this.check.serverReachable();
        this.goTo(next);
      }
      return ENTERED;
    },
    signed_in(message) {
      rememberVisitToken(this.joinToken, message.visit_token);
      this.visit = message.visit;
    },
    queue_status(message) {
      this.waiting.update(message);
    },
    message_received() {
      // The step machine moves on to the thank-you page.
    },
    offered(message) {
      this.visit = message.visit;
      this.choice.show(message.visit.advisor_name);
      announce(t("choice.announce"));
    },
    line_check_servers(message) {
      for (const resolve of this.lineServerWaiters.splice(0)) {
        resolve(message.ice_servers);
      }
    },
    media_config(message) {
      // Comes just before the video session starts or resumes, which uses it.
      this.iceServers = message.ice_servers;
      this.iceTransportPolicy = message.ice_transport_policy ?? "all";
    },
    session_started(message, next) {
      this.visit = message.visit;
      this.enter(next, message);
      announce(t("session.started"));
      return ENTERED;
    },
    chat_message(message) {
      this.chat.add(message.line);
      this.session.showChat(this.chat);
    },
    signal(message) {
      this.call?.handleSignal(message).catch(() => this.session.setState("failed"));
    },
    ended(message) {
      this.stopCall();
      this.end.show(message.by);
      announce(t(`ended.by_${message.by ?? "system"}`));
    },
    rated(message) {
      this.end.showRated(message.stars);
    },
    pong() {
      // Answered in connection.js (heartbeat and round-trip time).
    },
    error(message) {
      this.refused(message);
    },
  };

  /** Show `step` for the visit (after welcome or session_started) and set up its media. */
  enter(step, message) {
    const visit = this.visit;
    if (step === Step.CHOICE) {
      this.choice.show(visit.advisor_name);
    }
    if (step === Step.ENDED) {
      this.end.show(visit.ended_by ?? "system");
    }
    if (step === Step.SESSION) {
      this.session.show(visit);
      this.session.showChat(this.chat);
      if (visit.mode === "video") {
        // A new session, a changed choice, or a reconnect: a fresh peer connection —
        // unless the call carried on by itself while only the WebSocket was away.
        if (message.type === "session_started" || !this.call?.flowing) {
          this.startCall(visit, message.type === "session_started" || !this.call);
          this.lineWatch.callStarted(visit);
        } else {
          this.session.setState("connected");
        }
      } else {
        this.stopCall();
        this.localMedia.release();
        this.session.setState("text");
      }
    }
    this.goTo(step);
  }

  startCall(visit, fresh) {
    const choice = { seeAdvisor: visit.see_advisor, showMe: visit.show_me };
    if (fresh || !this.call) {
      this.stopCall({ restarting: true });
      this.call = new MediaCall({
        iceServers: this.iceServers,
        iceTransportPolicy: this.iceTransportPolicy,
        choice,
        sendSignal: (payload) => this.connection.send({ type: "signal", ...payload }),
        onRemoteStream: (stream) => {
          this.session.setRemoteStream(stream);
          this.speaker.apply(byId("remote-video"));
        },
        onLocalStream: (stream) => this.session.setLocalStream(stream),
        onState: (state) => this.session.setState(state),
        onMicrophone: (watch) => this.session.showMicrophone(watch),
        onInterrupted: () => this.recoverMedia(),
        acquire: (wanted) => this.localMedia.acquire(wanted),
      });
      this.qualityTimer = window.setInterval(async () => {
        this.session.setBars(await this.call?.quality().catch(() => 0) ?? 0);
      }, QUALITY_EVERY_MS);
    }
    this.call.iceServers = this.iceServers;
    this.call.iceTransportPolicy = this.iceTransportPolicy;
    this.call.offer().catch(() => this.session.setState("failed"));
  }

  /**
   * Picture and sound stopped arriving (an outage, a new network): bring them back without
   * waiting for ICE to fail, which it never does after an address change. The console's
   * aiortc cannot restart ICE, so it is always a new peer connection, offered through the
   * server. Every second until media flows again: is the WebSocket still alive (a pong
   * within a second)? If not, connect it again at once (the welcome that resumes the visit
   * starts the new offer; chat lines not yet confirmed are sent again then). If it is,
   * offer a new peer connection, again when one has not connected within a few seconds.
   */
  recoverMedia() {
    if (this.recoveryTimer !== null) {
      return;
    }
    const tick = async () => {
      const call = this.call;
      if (!call || call.flowing) {
        this.recoveryTimer = null;
        return;
      }
      const alive = (await this.connection.roundTrip(PROBE_TIMEOUT_MS)) !== null;
      if (this.call !== call || call.flowing) {
        this.recoveryTimer = null;
        return;
      }
      if (!alive) {
        this.connection.reconnectNow(CONNECT_PATIENCE_MS);
      } else if (performance.now() - call.offeredAt > REOFFER_AFTER_MS) {
        call.offer().catch(() => this.session.setState("failed"));
      }
      this.recoveryTimer = window.setTimeout(tick, RECOVERY_EVERY_MS);
    };
    this.recoveryTimer = window.setTimeout(tick, 0);
  }

  /** End the call; `restarting`: a new one follows at once (its line state carries on). */
  stopCall({ restarting = false } = {}) {
    if (!restarting) {
      this.lineWatch.stop();
    }
    window.clearTimeout(this.recoveryTimer);
    this.recoveryTimer = null;
    this.devices.clear();
    window.clearInterval(this.qualityTimer);
    this.call?.stop();
    this.call = null;
    this.session.clearMedia();
  }

  refused(error) {
    if (error.in_reply_to === "line_check") {
      for (const resolve of this.lineServerWaiters.splice(0)) {
        resolve(null);
      }
    }
    if (error.in_reply_to === "leave_message") {
      this.waiting.showError(error);
    }
  }

  connectionState(state) {
    const past = this.step !== Step.LANDING && this.step !== Step.CHECK;
    const reconnecting = state === "reconnecting" && past;
    if (reconnecting && byId("reconnecting").hidden) {
      // A banner that appears is not read out; the live region is.
      announce(t("visit.reconnecting"));
    }
    byId("reconnecting").hidden = !reconnecting;
    if (state === "reconnecting" && this.step === Step.SESSION) {
      this.session.setState("reconnecting");
    }
    if (state === "failed") {
      for (const resolve of this.welcomeWaiters.splice(0)) {
        resolve(null);
      }
      if (recallVisitToken(this.joinToken)) {
        this.stopCall();
        this.goTo(Step.GONE);
      } else {
        byId("page-error").textContent = t("visit.refused");
        byId("page-error").hidden = false;
      }
    }
  }

  // Sending -------------------------------------------------------------------------

  sendSignIn(message) {
    return new Promise((resolve) => {
      if (!this.connection.send(message)) {
        resolve(null);
        return;
      }
      this.signInReply = resolve;
    });
  }

  sendChat(text) {
    const clientId = this.chat.queue(text);
    this.session.showChat(this.chat);
    this.connection.send({ type: "chat", text, client_id: clientId });
  }

  /** Own lines that were not confirmed before a drop; the server stores each once. */
  resendPending() {
    for (const [clientId, text] of this.chat.pending) {
      this.connection.send({ type: "chat", text, client_id: clientId });
    }
  }
}

let current = null;

/** Begin with the system check (after „Chat starten“). */
export function startVisit(joinToken, config) {
  current ??= new Visit({ joinToken, config });
  current.startCheck();
}

/** True if this browser already signed in for this link (then the visit is resumed). */
export function resumeVisit(joinToken, config) {
  if (!recallVisitToken(joinToken)) {
    return false;
  }
  current ??= new Visit({ joinToken, config });
  current.resume();
  return true;
}
