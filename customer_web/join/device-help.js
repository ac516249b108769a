// What to do when the camera or microphone is refused or busy, in the words of the
// customer's own browser (browser.js tells which). Used by the system check and when
// the page brings a device back after being in the background.

import { addTexts, t } from "../common/i18n.js";
import { browserFamily } from "./browser.js";

const HELPED = ["denied", "busy"];

addTexts({
  de: {
    "help.device.video": "Kamera",
    "help.device.audio": "Mikrofon",
    "help.the_device.video": "die Kamera",
    "help.the_device.audio": "das Mikrofon",
    "help.denied.chrome":
      "So erlauben Sie es in Chrome: Klicken Sie links in der Adresszeile auf das Symbol vor der Adresse, stellen Sie „{device}“ auf „Zulassen“ und laden Sie die Seite neu.",
    "help.denied.edge":
      "So erlauben Sie es in Edge: Klicken Sie links in der Adresszeile auf das Schloss-Symbol, dann auf „Berechtigungen für diese Website“, stellen Sie „{device}“ auf „Zulassen“ und laden Sie die Seite neu.",
    "help.denied.firefox":
      "So erlauben Sie es in Firefox: Klicken Sie in der Adresszeile auf das durchgestrichene {device}-Symbol, entfernen Sie „Blockiert“ mit dem Kreuz daneben und laden Sie die Seite neu.",
    "help.denied.safari":
      "So erlauben Sie es in Safari: Wählen Sie oben im Menü „Safari“ › „Einstellungen für diese Website …“, stellen Sie „{device}“ auf „Erlauben“ und laden Sie die Seite neu.",
    "help.denied.ios":
      "So erlauben Sie es auf dem iPhone oder iPad: Tippen Sie in Safari in der Adressleiste auf das Seitenmenü („aA“) › „Website-Einstellungen“ › „{device}“ › „Erlauben“ und laden Sie die Seite neu. In einem anderen Browser: App „Einstellungen“ › Ihr Browser › „{device}“ einschalten.",
    "help.denied.other":
      "Erlauben Sie {the_device} in den Einstellungen Ihres Browsers für diese Seite (meist über das Symbol links in der Adresszeile) und laden Sie die Seite neu.",
    "help.busy.chrome":
      "Schließen Sie Programme, die {the_device} benutzen könnten (z. B. Teams, Zoom oder Skype), und andere Fenster mit einem Videotelefonat. Laden Sie dann die Seite neu. Hilft das nicht, beenden Sie Chrome ganz und öffnen Sie den Link erneut.",
    "help.busy.edge":
      "Schließen Sie Programme, die {the_device} benutzen könnten (z. B. Teams, Zoom oder Skype), und andere Fenster mit einem Videotelefonat. Laden Sie dann die Seite neu. Hilft das nicht, beenden Sie Edge ganz und öffnen Sie den Link erneut.",
    "help.busy.firefox":
      "Schließen Sie Programme, die {the_device} benutzen könnten (z. B. Teams, Zoom oder Skype), und andere Fenster mit einem Videotelefonat. Laden Sie dann die Seite neu. Hilft das nicht, beenden Sie Firefox ganz und öffnen Sie den Link erneut.",
    "help.busy.safari":
      "Schließen Sie Programme, die {the_device} benutzen könnten (z. B. FaceTime, Teams oder Zoom), und laden Sie die Seite neu. Hilft das nicht, beenden Sie Safari ganz (⌘Q) und öffnen Sie den Link erneut.",
    "help.busy.ios":
      "Beenden Sie ein laufendes Telefonat oder FaceTime-Gespräch und schließen Sie andere Apps, die {the_device} benutzen. Kehren Sie dann zu dieser Seite zurück und laden Sie sie neu.",
    "help.busy.other":
      "Schließen Sie Programme, die {the_device} benutzen könnten (z. B. ein anderes Videotelefonat), und laden Sie die Seite neu.",
  },
  en: {
    "help.device.video": "Camera",
    "help.device.audio": "Microphone",
    "help.the_device.video": "the camera",
    "help.the_device.audio": "the microphone",
    "help.denied.chrome":
      "To allow it in Chrome: click the symbol at the left of the address bar, set “{device}” to “Allow” and reload the page.",
    "help.denied.edge":
      "To allow it in Edge: click the lock symbol at the left of the address bar, then “Permissions for this site”, set “{device}” to “Allow” and reload the page.",
    "help.denied.firefox":
      "To allow it in Firefox: click the crossed-out {device} symbol in the address bar, remove “Blocked” with the cross beside it and reload the page.",
    "help.denied.safari":
      "To allow it in Safari: choose “Safari” › “Settings for this website …” in the menu bar, set “{device}” to “Allow” and reload the page.",
    "help.denied.ios":
      "To allow it on an iPhone or iPad: in Safari tap the page menu (“aA”) in the address bar › “Website Settings” › “{device}” › “Allow” and reload the page. In another browser: Settings app › your browser › switch “{device}” on.",
    "help.denied.other":
      "Allow {the_device} in your browser's settings for this page (usually through the symbol at the left of the address bar) and reload the page.",
    "help.busy.chrome":
      "Close programs that may be using {the_device} (e.g. Teams, Zoom or Skype) and other windows with a video call, then reload the page. If that does not help, quit Chrome completely and open the link again.",
    "help.busy.edge":
      "Close programs that may be using {the_device} (e.g. Teams, Zoom or Skype) and other windows with a video call, then reload the page. If that does not help, quit Edge completely and open the link again.",
    "help.busy.firefox":
      "Close programs that may be using {the_device} (e.g. Teams, Zoom or Skype) and other windows with a video call, then reload the page. If that does not help, quit Firefox completely and open the link again.",
    "help.busy.safari":
      "Close programs that may be using {the_device} (e.g. FaceTime, Teams or Zoom) and reload the page. If that does not help, quit Safari completely (⌘Q) and open the link again.",
    "help.busy.ios":
      "End a phone or FaceTime call and close other apps using {the_device}. Then come back to this page and reload it.",
    "help.busy.other":
      "Close programs that may be using {the_device} (e.g. another video call) and reload the page.",
  },
});

/** What to do about `problem` ("denied", "busy", …) with the camera (`kind` "video")
 * or the microphone ("audio") in this browser; "" where the reason says it all. */
export function deviceHelp(kind, problem, family = browserFamily()) {
  if (!HELPED.includes(problem)) {
    return "";
  }
  return t(`help.${problem}.${family}`, {
    device: t(`help.device.${kind}`),
    the_device: t(`help.the_device.${kind}`),
  });
}
